//go:build tools

// Package tools pins the etcd server the lab builds (main package of
// go.etcd.io/etcd/server/v3 in etcd 3.5).
package tools

import (
	_ "go.etcd.io/etcd/server/v3"
)
