package main

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path"
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
// its own by lab/lab, so editing it does not rebuild Kubernetes) and kwok
// (built on demand by `kwok up`, reused by its own module key).
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
			if p == filepath.Join(root, "labctl") || p == filepath.Join(root, "kwok") || strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata" || d.Name() == "vendor" {
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
	if len(todo) > 0 {
		logf("building %d binaries into %s (Go build cache %s)", len(todo), c.BinDir, c.GoCache)
		start := time.Now()
		for i, b := range todo {
			if err := buildOne(c, b, i+1, len(todo)); err != nil {
				return err
			}
		}
		logf("built %d binaries in %s", len(todo), since(start))
	}
	for _, mf := range moduleFiles(c) {
		if err := stageModuleFiles(c, mf); err != nil {
			return err
		}
	}
	return nil
}

// ModuleFiles are files of a pinned Go module (e.g. upstream CRDs) that the
// lab uses at run time. They are never copied into the repository: at build
// time they are taken from the Go module cache (`go mod download`, verified
// against lab/go/<Module>/go.sum) into <cache>/<hash>/files/<Out>/, whose
// hash covers the go.mod, go.sum and lab/versions.env that pin them.
type ModuleFiles struct {
	Module  string   // directory under lab/go whose go.mod requires Path
	Path    string   // module path
	Version string   // the version lab/versions.env pins (must be the one go.mod selects)
	Files   []string // slash paths inside the module; staged under their base names
	Out     string   // directory under <cache>/<hash>/files
	// Check, if set, validates each file's content before it is staged.
	Check func(name string, data []byte) error
}

// moduleFiles is the table of files staged from pinned modules.
func moduleFiles(c *Config) []ModuleFiles {
	var out []ModuleFiles
	for _, mf := range storageModuleFiles(c) {
		if fileExists(filepath.Join(c.LabDir, "go", mf.Module, "go.mod")) {
			out = append(out, mf)
		}
	}
	return out
}

// stagedFile is where a file of mf is staged.
func stagedFile(c *Config, mf ModuleFiles, file string) string {
	return filepath.Join(c.FilesDir, mf.Out, path.Base(file))
}

// stageModuleFiles copies mf's files from the Go module cache into
// <cache>/<hash>/files/<Out>/ unless they are there already.
func stageModuleFiles(c *Config, mf ModuleFiles) error {
	dir := filepath.Join(c.FilesDir, mf.Out)
	source := mf.Path + "@" + mf.Version + "\n"
	if data, err := os.ReadFile(filepath.Join(dir, ".source")); err == nil && string(data) == source {
		complete := true
		for _, f := range mf.Files {
			complete = complete && fileExists(stagedFile(c, mf, f))
		}
		if complete {
			return nil
		}
	}
	mod, err := goModDownload(c, mf.Module, mf.Path)
	if err != nil {
		return err
	}
	if mod.Version != mf.Version {
		return fmt.Errorf("lab/go/%s selects %s %s, lab/versions.env pins %s", mf.Module, mf.Path, mod.Version, mf.Version)
	}
	tmp := dir + ".tmp"
	os.RemoveAll(tmp)
	if err := os.MkdirAll(tmp, 0o755); err != nil {
		return err
	}
	seen := map[string]bool{}
	for _, f := range mf.Files {
		name := path.Base(f)
		if seen[name] {
			return fmt.Errorf("%s: two files named %s", mf.Out, name)
		}
		seen[name] = true
		data, err := os.ReadFile(filepath.Join(mod.Dir, filepath.FromSlash(f)))
		if err != nil {
			return fmt.Errorf("%s@%s: %w", mf.Path, mf.Version, err)
		}
		if mf.Check != nil {
			if err := mf.Check(name, data); err != nil {
				return fmt.Errorf("%s@%s %s: %w", mf.Path, mf.Version, f, err)
			}
		}
		if err := os.WriteFile(filepath.Join(tmp, name), data, 0o644); err != nil {
			return err
		}
	}
	if err := os.WriteFile(filepath.Join(tmp, ".source"), []byte(source), 0o644); err != nil {
		return err
	}
	os.RemoveAll(dir)
	if err := os.Rename(tmp, dir); err != nil {
		return err
	}
	logf("staged %d files of %s@%s into %s", len(mf.Files), mf.Path, mf.Version, dir)
	return nil
}

// modDownload is the part of `go mod download -json` output labctl uses.
type modDownload struct {
	Path, Version, Dir, Sum, Error string
}

// goModDownload downloads (or finds in the module cache) the version of
// path that lab/go/<module>/go.mod selects; go checks it against go.sum.
func goModDownload(c *Config, module, modPath string) (*modDownload, error) {
	cmd := exec.Command("go", "mod", "download", "-json", modPath)
	cmd.Dir = filepath.Join(c.LabDir, "go", module)
	cmd.Env = goEnv(c)
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	runErr := cmd.Run()
	var m modDownload
	if err := json.Unmarshal([]byte(stdout.String()), &m); err != nil {
		return nil, fmt.Errorf("go mod download %s (in lab/go/%s): %v: %s", modPath, module, runErr, strings.TrimSpace(stderr.String()))
	}
	if m.Error != "" || runErr != nil {
		return nil, fmt.Errorf("go mod download %s (in lab/go/%s): %s %v %s", modPath, module, m.Error, runErr, strings.TrimSpace(stderr.String()))
	}
	if m.Dir == "" || m.Version == "" {
		return nil, fmt.Errorf("go mod download %s (in lab/go/%s): no directory or version in %q", modPath, module, stdout.String())
	}
	return &m, nil
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

// moduleKey identifies one binary's inputs: Go version, its module's files
// (go.mod and go.sum pin every dependency), package and flags (which carry
// the version strings from lab/versions.env). A binary built for the same
// key in another cache dir (another lab/go module or an unrelated pin
// changed) is reused instead of rebuilt.
func moduleKey(c *Config, b Build) (string, error) {
	h := sha256.New()
	fmt.Fprintf(h, "go=%s\npkg=%s\nld=%s\n", goVersion(), b.Pkg, strings.Join(b.LDFlags, " "))
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
