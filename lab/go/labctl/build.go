package main

import (
	"crypto/sha256"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// Build is one binary built from a Go module under lab/go into <cache>/bin.
type Build struct {
	Module  string   // directory under lab/go that has the go.mod ("k8s")
	Pkg     string   // package given to `go build` inside that module
	Out     string   // binary name in <cache>/bin
	LDFlags []string // extra -ldflags
}

// builds is the table of every binary the lab runs.
func builds(c *Config) []Build {
	k := c.Versions["KUBERNETES_VERSION"]
	major, minor := "1", "34"
	if parts := strings.Split(strings.TrimPrefix(k, "v"), "."); len(parts) >= 2 {
		major, minor = parts[0], parts[1]
	}
	var kv []string
	for _, pkg := range []string{"k8s.io/component-base/version", "k8s.io/client-go/pkg/version"} {
		kv = append(kv,
			"-X "+pkg+".gitVersion="+k,
			"-X "+pkg+".gitMajor="+major,
			"-X "+pkg+".gitMinor="+minor,
			"-X "+pkg+".gitTreeState=clean",
			"-X "+pkg+".buildDate=1970-01-01T00:00:00Z")
	}
	bs := []Build{
		{Module: "etcd", Pkg: "go.etcd.io/etcd/server/v3", Out: "etcd",
			LDFlags: []string{"-X go.etcd.io/etcd/api/v3/version.GitSHA=" + c.Versions["ETCD_VERSION"]}},
		{Module: "coredns", Pkg: ".", Out: "coredns",
			LDFlags: []string{"-X github.com/coredns/coredns/coremain.GitCommit=" + c.Versions["COREDNS_VERSION"]}},
	}
	for _, cmd := range []string{"kube-apiserver", "kube-controller-manager", "kube-scheduler", "kubelet", "kubectl"} {
		bs = append(bs, Build{Module: "k8s", Pkg: "k8s.io/kubernetes/cmd/" + cmd, Out: cmd, LDFlags: kv})
	}
	bs = append(bs, storageBuilds(c)...)
	return bs
}

// cacheKey hashes the pins, the Go toolchain version and every go.mod,
// go.sum and *.go under lab/go except labctl (the orchestrator is cached on
// its own by lab/lab, so editing it does not rebuild Kubernetes).
func cacheKey(c *Config) (string, error) {
	h := sha256.New()
	fmt.Fprintf(h, "go=%s\n", goVersion())
	var files []string
	files = append(files, filepath.Join(c.LabDir, "versions.env"))
	root := filepath.Join(c.LabDir, "go")
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if p == filepath.Join(root, "labctl") || strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata" || d.Name() == "vendor" {
				return filepath.SkipDir
			}
			return nil
		}
		n := d.Name()
		if n == "go.mod" || n == "go.sum" || (strings.HasSuffix(n, ".go") && !strings.HasSuffix(n, "_test.go")) {
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		return "", err
	}
	sort.Strings(files)
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return "", err
		}
		rel, _ := filepath.Rel(c.LabDir, f)
		fmt.Fprintf(h, "%s %d\n", rel, len(data))
		h.Write(data)
	}
	return fmt.Sprintf("%x", h.Sum(nil))[:16], nil
}

var goVersionCache string

func goVersion() string {
	if goVersionCache == "" {
		out, err := exec.Command("go", "env", "GOVERSION").Output()
		if err != nil {
			goVersionCache = "unknown"
		} else {
			goVersionCache = strings.TrimSpace(string(out))
		}
	}
	return goVersionCache
}

func goEnv(c *Config) []string {
	env := os.Environ()
	env = append(env, "GOTOOLCHAIN=local", "GOFLAGS=-buildvcs=false", "CGO_ENABLED=0", "GOCACHE="+c.GoCache)
	return env
}

// buildAll builds every missing binary, one after another, showing progress.
func buildAll(c *Config) error {
	if err := checkVersions(c); err != nil {
		return err
	}
	if v := c.Versions["GO_VERSION"]; v != "" && v != goVersion() {
		logf("warning: lab/versions.env pins GO_VERSION=%s but `go` is %s (GOTOOLCHAIN=local: using it anyway)", v, goVersion())
	}
	if err := mkdirs(c.BinDir, c.GoCache); err != nil {
		return err
	}
	var todo []Build
	for _, b := range builds(c) {
		if !fileExists(filepath.Join(c.LabDir, "go", b.Module, "go.mod")) {
			continue
		}
		if fileExists(c.Bin(b.Out)) {
			continue
		}
		if reuseBuilt(c, b) {
			continue
		}
		todo = append(todo, b)
	}
	if len(todo) == 0 {
		return nil
	}
	logf("building %d binaries into %s (Go build cache %s)", len(todo), c.BinDir, c.GoCache)
	start := time.Now()
	for i, b := range todo {
		if err := buildOne(c, b, i+1, len(todo)); err != nil {
			return err
		}
	}
	logf("built %d binaries in %s", len(todo), since(start))
	return nil
}

func buildOne(c *Config, b Build, i, n int) error {
	out := c.Bin(b.Out)
	tmp := out + ".tmp"
	ld := append([]string{"-s", "-w"}, b.LDFlags...)
	args := []string{"build", "-trimpath", "-ldflags=" + strings.Join(ld, " "), "-o", tmp, b.Pkg}
	cmd := exec.Command("go", args...)
	cmd.Dir = filepath.Join(c.LabDir, "go", b.Module)
	cmd.Env = goEnv(c)
	logPath := filepath.Join(c.CacheRoot, "build-logs", b.Out+".log")
	_ = os.MkdirAll(filepath.Dir(logPath), 0o755)
	lf, err := os.Create(logPath)
	if err != nil {
		return err
	}
	defer lf.Close()
	cmd.Stdout, cmd.Stderr = lf, lf
	start := time.Now()
	logf("[%d/%d] building %s (lab/go/%s: %s)", i, n, b.Out, b.Module, b.Pkg)
	if err := cmd.Start(); err != nil {
		return err
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	tick := time.NewTicker(15 * time.Second)
	defer tick.Stop()
	for {
		select {
		case err := <-done:
			if err != nil {
				return fmt.Errorf("build of %s failed (%v); log %s:\n%s", b.Out, err, logPath, tailFile(logPath, 30))
			}
			if err := os.Rename(tmp, out); err != nil {
				return err
			}
			if key, err := moduleKey(c, b); err == nil {
				writeFileAtomic(keyFile(c.BinDir, b.Out), []byte(key), 0o644)
			}
			logf("[%d/%d] built %s in %s", i, n, b.Out, since(start))
			appendBuildTimes(c, b.Out, time.Since(start))
			return nil
		case <-tick.C:
			logf("[%d/%d] still building %s: %s", i, n, b.Out, since(start))
		}
	}
}

// appendBuildTimes keeps a record of build durations next to the binaries.
func appendBuildTimes(c *Config, name string, d time.Duration) {
	f, err := os.OpenFile(filepath.Join(c.CacheDir, "build-times.txt"), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		return
	}
	defer f.Close()
	fmt.Fprintf(f, "%s %s %.1fs\n", time.Now().Format(time.RFC3339), name, d.Seconds())
}

// moduleKey identifies one binary's inputs: Go version, pins, its module's
// files, package and flags. A binary built for the same key in another cache
// dir (another lab/go module changed) is reused instead of rebuilt.
func moduleKey(c *Config, b Build) (string, error) {
	h := sha256.New()
	fmt.Fprintf(h, "go=%s\npkg=%s\nld=%s\n", goVersion(), b.Pkg, strings.Join(b.LDFlags, " "))
	data, err := os.ReadFile(filepath.Join(c.LabDir, "versions.env"))
	if err != nil {
		return "", err
	}
	h.Write(data)
	root := filepath.Join(c.LabDir, "go", b.Module)
	var files []string
	filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		n := d.Name()
		if d.IsDir() {
			if p != root && (strings.HasPrefix(n, ".") || n == "testdata" || n == "vendor") {
				return filepath.SkipDir
			}
			return nil
		}
		if n == "go.mod" || n == "go.sum" || (strings.HasSuffix(n, ".go") && !strings.HasSuffix(n, "_test.go")) {
			files = append(files, p)
		}
		return nil
	})
	sort.Strings(files)
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return "", err
		}
		rel, _ := filepath.Rel(root, f)
		fmt.Fprintf(h, "%s %d\n", rel, len(data))
		h.Write(data)
	}
	return fmt.Sprintf("%x", h.Sum(nil)), nil
}

func keyFile(binDir, out string) string { return filepath.Join(binDir, ".keys", out) }

// reuseBuilt links a binary with the same module key from another cache dir.
func reuseBuilt(c *Config, b Build) bool {
	key, err := moduleKey(c, b)
	if err != nil {
		return false
	}
	keys, _ := filepath.Glob(filepath.Join(c.CacheRoot, "*", "bin", ".keys", b.Out))
	for _, kf := range keys {
		data, err := os.ReadFile(kf)
		if err != nil || string(data) != key {
			continue
		}
		src := filepath.Join(filepath.Dir(filepath.Dir(kf)), b.Out)
		if !fileExists(src) {
			continue
		}
		if err := os.Link(src, c.Bin(b.Out)); err != nil {
			if _, err := run(120*time.Second, "cp", "-a", src, c.Bin(b.Out)); err != nil {
				continue
			}
		}
		writeFileAtomic(keyFile(c.BinDir, b.Out), []byte(key), 0o644)
		logf("reused %s (same sources) from %s", b.Out, filepath.Dir(src))
		return true
	}
	return false
}
