//go:build tools

// Package tools pins KWOK (Kubernetes WithOut Kubelet), which bench/scale
// runs to fake nodes and their pods: the main package of sigs.k8s.io/kwok
// at lab/versions.env KWOK_VERSION. Built on demand (lab/lab kwok up), not
// by lab/lab up.
package tools

import (
	_ "sigs.k8s.io/kwok/cmd/kwok"
)
