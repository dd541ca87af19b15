package main

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
)

// checkVersions verifies that the Go modules under lab/go agree with
// lab/versions.env (the one place where versions are pinned).
func checkVersions(c *Config) error {
	v := c.Versions
	type want struct {
		module, path, version string
	}
	wants := []want{
		{"k8s", "k8s.io/kubernetes", v["KUBERNETES_VERSION"]},
		{"etcd", "go.etcd.io/etcd/server/v3", v["ETCD_VERSION"]},
		{"coredns", "github.com/coredns/coredns", v["COREDNS_VERSION"]},
	}
	if fileExists(filepath.Join(c.LabDir, "go", "csi", "go.mod")) {
		wants = append(wants,
			want{"csi", "github.com/kubernetes-csi/external-provisioner/v5", v["CSI_PROVISIONER_VERSION"]},
			want{"csi", "github.com/kubernetes-csi/external-resizer", v["CSI_RESIZER_VERSION"]},
			want{"csi", "github.com/kubernetes-csi/external-snapshotter/v8", v["CSI_SNAPSHOTTER_VERSION"]},
			want{"csi", "github.com/kubernetes-csi/external-snapshotter/client/v8", v["CSI_SNAPSHOT_CRD_VERSION"]},
			want{"csi", "github.com/container-storage-interface/spec", v["CSI_SPEC_VERSION"]})
	}
	if fileExists(filepath.Join(c.LabDir, "go", "kwok", "go.mod")) {
		wants = append(wants, want{"kwok", "sigs.k8s.io/kwok", v["KWOK_VERSION"]})
	}
	var errs []string
	for _, w := range wants {
		if w.version == "" {
			errs = append(errs, fmt.Sprintf("lab/versions.env: no version for %s", w.path))
			continue
		}
		gomod := filepath.Join(c.LabDir, "go", w.module, "go.mod")
		data, err := os.ReadFile(gomod)
		if err != nil {
			errs = append(errs, err.Error())
			continue
		}
		re := regexp.MustCompile(`(?m)^\s*(?:require\s+)?` + regexp.QuoteMeta(w.path) + `\s+(\S+)`)
		m := re.FindSubmatch(data)
		if m == nil {
			errs = append(errs, fmt.Sprintf("lab/go/%s/go.mod does not require %s", w.module, w.path))
		} else if string(m[1]) != w.version {
			errs = append(errs, fmt.Sprintf("lab/go/%s/go.mod requires %s %s, lab/versions.env says %s", w.module, w.path, m[1], w.version))
		}
	}
	// Every k8s.io staging module is replaced by the pinned staging version.
	staging := v["KUBERNETES_STAGING_VERSION"]
	data, err := os.ReadFile(filepath.Join(c.LabDir, "go", "k8s", "go.mod"))
	if err == nil {
		re := regexp.MustCompile(`(?m)^\s*(k8s\.io/[\w.-]+)\s+=>\s+(\S+)\s+(\S+)`)
		n := 0
		for _, m := range re.FindAllSubmatch(data, -1) {
			n++
			if string(m[1]) != string(m[2]) || string(m[3]) != staging {
				errs = append(errs, fmt.Sprintf("lab/go/k8s/go.mod: replace %s => %s %s, want %s %s", m[1], m[2], m[3], m[1], staging))
			}
		}
		if n == 0 {
			errs = append(errs, "lab/go/k8s/go.mod has no k8s.io replace directives")
		}
		if strings.Count(string(data), "k8s.io/kubernetes ") == 0 {
			errs = append(errs, "lab/go/k8s/go.mod does not require k8s.io/kubernetes")
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("version pins disagree:\n  %s", strings.Join(errs, "\n  "))
	}
	return nil
}

func cmdCheck(c *Config, args []string) error {
	if err := checkVersions(c); err != nil {
		return err
	}
	fmt.Printf("lab/versions.env and lab/go/*/go.mod agree (Kubernetes %s, staging %s, etcd %s, CoreDNS %s; go %s)\n",
		c.Versions["KUBERNETES_VERSION"], c.Versions["KUBERNETES_STAGING_VERSION"], c.Versions["ETCD_VERSION"],
		c.Versions["COREDNS_VERSION"], goVersion())
	if fileExists(filepath.Join(c.LabDir, "go", "csi", "go.mod")) {
		fmt.Printf("storage: CSI spec %s, csi-provisioner %s, csi-resizer %s, csi-snapshotter + snapshot-controller %s, VolumeSnapshot CRDs from client/v8 %s\n",
			c.Versions["CSI_SPEC_VERSION"], c.Versions["CSI_PROVISIONER_VERSION"], c.Versions["CSI_RESIZER_VERSION"],
			c.Versions["CSI_SNAPSHOTTER_VERSION"], c.Versions["CSI_SNAPSHOT_CRD_VERSION"])
	}
	if fileExists(filepath.Join(c.LabDir, "go", "kwok", "go.mod")) {
		fmt.Printf("bench: KWOK %s (built by lab/lab kwok up)\n", c.Versions["KWOK_VERSION"])
	}
	return nil
}
