package main

import (
	"archive/tar"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

func testConfig(t *testing.T) *Config {
	t.Helper()
	t.Setenv("KDRILL_LAB_DIR", filepath.Join("..", ".."))
	t.Setenv("KDRILL_LAB_STATE", "/tmp/kdrill-lab-test-state")
	t.Setenv("KDRILL_LAB_CACHE", t.TempDir())
	c, err := loadConfig()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestVersionsAgreeWithGoModules(t *testing.T) {
	if err := checkVersions(testConfig(t)); err != nil {
		t.Fatal(err)
	}
}

func TestComponentNamesUniqueAndNodesDistinct(t *testing.T) {
	c := testConfig(t)
	seen := map[string]bool{}
	for _, comp := range components(c) {
		if seen[comp.Name] {
			t.Fatalf("duplicate component %s", comp.Name)
		}
		seen[comp.Name] = true
	}
	a, b := c.Nodes[0], c.Nodes[1]
	if a.Name != "127.0.0.2" || b.Name != "127.0.0.3" || a.Bridge == b.Bridge || a.ContainerdSock == b.ContainerdSock || a.CgroupRoot == b.CgroupRoot {
		t.Fatalf("nodes not distinct: %+v %+v", a, b)
	}
	if len(a.ContainerdSock)-len(c.StateDir) > 50 {
		t.Fatalf("socket path too long: %s", a.ContainerdSock)
	}
}

func TestReadEnvFile(t *testing.T) {
	p := filepath.Join(t.TempDir(), "v.env")
	os.WriteFile(p, []byte("# c\nA=1\n B = \"two\" \n\n"), 0o644)
	m, err := readEnvFile(p)
	if err != nil || m["A"] != "1" || m["B"] != "two" || len(m) != 2 {
		t.Fatalf("got %v %v", m, err)
	}
	os.WriteFile(p, []byte("oops\n"), 0o644)
	if _, err := readEnvFile(p); err == nil || !strings.Contains(err.Error(), ":1:") {
		t.Fatalf("want line error, got %v", err)
	}
}

func TestUnescapeMount(t *testing.T) {
	if got := unescapeMount(`/a\040b/c`); got != "/a b/c" {
		t.Fatal(got)
	}
}

func TestOCIArchive(t *testing.T) {
	root := filepath.Join(t.TempDir(), "rootfs")
	os.MkdirAll(filepath.Join(root, "bin"), 0o755)
	os.WriteFile(filepath.Join(root, "bin", "x"), []byte("hi"), 0o755)
	os.Symlink("/bin/x", filepath.Join(root, "bin", "y"))
	out := filepath.Join(t.TempDir(), "img.tar")
	spec := ImageSpec{Name: "localhost/t:lab", Cmd: []string{"x"}}
	if err := writeOCIArchive(spec, root, out); err != nil {
		t.Fatal(err)
	}
	f, _ := os.Open(out)
	defer f.Close()
	tr := tar.NewReader(f)
	names := map[string]bool{}
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		names[h.Name] = true
		if h.Name == "index.json" {
			var idx struct {
				Manifests []struct {
					Annotations map[string]string `json:"annotations"`
				} `json:"manifests"`
			}
			json.NewDecoder(tr).Decode(&idx)
			if idx.Manifests[0].Annotations["io.containerd.image.name"] != "localhost/t:lab" {
				t.Fatalf("annotations: %v", idx.Manifests[0].Annotations)
			}
		}
	}
	if !names["oci-layout"] || !names["index.json"] || len(names) != 7 {
		t.Fatalf("archive entries: %v", names)
	}
	d1, err := archiveManifestDigest(out)
	if err != nil {
		t.Fatal(err)
	}
	out2 := out + "2"
	writeOCIArchive(spec, root, out2)
	if d2, _ := archiveManifestDigest(out2); d1 != d2 {
		t.Fatalf("not reproducible: %s %s", d1, d2)
	}
}

func TestKubeletConfigMentionsNodeOnly(t *testing.T) {
	c := testConfig(t)
	a := kubeletConfig(c, c.Nodes[0])
	for _, want := range []string{"address: 127.0.0.2", "cgroupRoot: /kdrill-lab-a", "- 10.244.1.1", "failCgroupV1: false", "cgroupDriver: cgroupfs"} {
		if !strings.Contains(a, want) {
			t.Fatalf("kubelet config lacks %q", want)
		}
	}
	if strings.Contains(a, "127.0.0.3") {
		t.Fatal("node a config mentions node b")
	}
}

func TestInheritedFdsDoNotReachChildren(t *testing.T) {
	f, err := os.CreateTemp(t.TempDir(), "lock")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	// Simulate an fd inherited without close-on-exec, as from `flock 9`.
	fd, err := syscall.Dup(int(f.Fd()))
	if err != nil {
		t.Fatal(err)
	}
	defer syscall.Close(fd)
	markInheritedFdsCloseOnExec()
	out, err := exec.Command("sh", "-c", "ls /proc/self/fd").Output()
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range strings.Fields(string(out)) {
		if name == strconv.Itoa(fd) {
			t.Fatalf("fd %d reached the child: %s", fd, out)
		}
	}
}
