package main

import (
	"fmt"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
)

// cmdUp brings the whole lab up (idempotent: running components are kept).
func cmdUp(c *Config, args []string) error {
	start := time.Now()
	if err := buildAll(c); err != nil {
		return err
	}
	for _, spec := range labImages(c) {
		if _, err := imageArchive(c, spec); err != nil {
			return err
		}
	}
	if err := mkdirs(c.StateDir, c.LogDir, c.RunDir, c.CSIDir); err != nil {
		return err
	}
	s, err := loadState(c)
	if err != nil {
		return err
	}
	if err := ensurePKI(c); err != nil {
		return fmt.Errorf("pki: %w", err)
	}
	if err := ensureKubeconfigs(c); err != nil {
		return fmt.Errorf("kubeconfigs: %w", err)
	}
	if err := prepareHost(c, s); err != nil {
		return fmt.Errorf("host setup: %w", err)
	}
	upStart := time.Now()
	for _, comp := range components(c) {
		if err := ensure(c, s, comp); err != nil {
			return err
		}
	}
	if err := applyManifests(c); err != nil {
		return err
	}
	if err := waitCluster(c); err != nil {
		return err
	}
	logf("lab is up (%s since start, %s since the first component; state %s)", since(start), since(upStart), c.StateDir)
	fmt.Println(c.Kubeconfig)
	return nil
}

// prepareHost records sysctls, creates the bridges and cgroup roots.
func prepareHost(c *Config, s *State) error {
	if err := recordSysctls(c, s); err != nil {
		return err
	}
	if v, ok := readSysctl("fs.inotify.max_user_instances"); ok && atoi(v) < 1024 {
		if err := writeSysctl("fs.inotify.max_user_instances", "1024"); err != nil {
			return err
		}
	}
	for _, n := range c.Nodes {
		if err := ensureBridge(c, s, n); err != nil {
			return err
		}
		if err := ensureCgroupRoot(c, s, n); err != nil {
			return err
		}
	}
	return nil
}

// applyManifests applies lab/manifests/*.yaml (sorted) with the built kubectl.
func applyManifests(c *Config) error {
	files, _ := filepath.Glob(filepath.Join(c.LabDir, "manifests", "*.yaml"))
	sort.Strings(files)
	for _, f := range files {
		var out string
		err := poll(30*time.Second, time.Second, func() error {
			var e error
			out, e = kubectl(c, 60*time.Second, "apply", "--server-side", "--force-conflicts", "--field-manager=kdrill-lab", "-f", f)
			return e
		})
		if err != nil {
			return fmt.Errorf("apply %s: %w", f, err)
		}
		logf("applied %s: %s", filepath.Base(f), strings.Join(strings.Fields(strings.ReplaceAll(out, "\n", "; ")), " "))
	}
	return nil
}

// waitCluster waits for Ready nodes, the default StorageClass (when the
// storage manifest exists) and the default ServiceAccount.
func waitCluster(c *Config) error {
	steps := []struct {
		what    string
		check   func() error
		timeout time.Duration
	}{
		{"nodes Ready", func() error { return nodesReady(c) }, 120 * time.Second},
		{"default ServiceAccount", func() error { return apiGet(c, "/api/v1/namespaces/default/serviceaccounts/default", nil) }, 60 * time.Second},
	}
	if fileExists(filepath.Join(c.LabDir, "manifests", "storage.yaml")) {
		steps = append(steps, struct {
			what    string
			check   func() error
			timeout time.Duration
		}{"default StorageClass", func() error { return defaultStorageClass(c) }, 60 * time.Second})
	}
	for _, st := range steps {
		t := time.Now()
		if err := poll(st.timeout, 250*time.Millisecond, st.check); err != nil {
			hint := ""
			if st.what == "nodes Ready" {
				hint = "\n" + kubeletHints(c)
			}
			return fmt.Errorf("waiting for %s: %w%s", st.what, err, hint)
		}
		logf("%-26s after %s", st.what, since(t))
	}
	return nil
}

func kubeletHints(c *Config) string {
	var b strings.Builder
	for _, n := range c.Nodes {
		fmt.Fprintf(&b, "---- last lines of %s ----\n%s\n", c.logPath("kubelet-"+n.Letter), tailFile(c.logPath("kubelet-"+n.Letter), 15))
	}
	return b.String()
}

func atoi(s string) int {
	n, _ := strconv.Atoi(strings.TrimSpace(s))
	return n
}
