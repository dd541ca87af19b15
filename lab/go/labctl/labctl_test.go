package main

import (
	"archive/tar"
	"encoding/json"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
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

func findComponent(t *testing.T, cs []Component, name string) (int, Component) {
	t.Helper()
	for i, comp := range cs {
		if comp.Name == name {
			return i, comp
		}
	}
	t.Fatalf("no component %s", name)
	return -1, Component{}
}

func hasArg(args []string, want string) bool {
	for _, a := range args {
		if a == want {
			return true
		}
	}
	return false
}

// The snapshot processes run like the other sidecars: admin kubeconfig, no
// leader election, HTTP on 127.0.0.1 only, the pinned version, built by
// labctl; the controller applies the CRDs before it starts and on every up.
func TestSnapshotComponents(t *testing.T) {
	c := testConfig(t)
	cs := components(c)
	pin := c.Versions["CSI_SNAPSHOTTER_VERSION"]
	if pin == "" {
		t.Fatal("lab/versions.env has no CSI_SNAPSHOTTER_VERSION")
	}
	ctrlIdx, _ := findComponent(t, cs, "csi-controller")
	apiIdx, _ := findComponent(t, cs, "kube-apiserver")
	ports := map[string]string{}
	for _, name := range []string{"snapshot-controller", "csi-snapshotter"} {
		i, comp := findComponent(t, cs, name)
		if i < apiIdx || i < ctrlIdx {
			t.Errorf("%s starts before kube-apiserver or csi-controller", name)
		}
		if comp.Bin != name || comp.Version != pin {
			t.Errorf("%s: bin %q version %q, want %q %q", name, comp.Bin, comp.Version, name, pin)
		}
		for _, want := range []string{"--kubeconfig=" + c.Kubeconfig, "--leader-election=false"} {
			if !hasArg(comp.Args, want) {
				t.Errorf("%s lacks %s: %v", name, want, comp.Args)
			}
		}
		if comp.Ready == nil {
			t.Errorf("%s has no readiness check", name)
		}
	}
	_, snap := findComponent(t, cs, "csi-snapshotter")
	if !hasArg(snap.Args, "--csi-address="+csiControllerSocket(c)) {
		t.Errorf("csi-snapshotter does not use the controller socket: %v", snap.Args)
	}
	_, ctl := findComponent(t, cs, "snapshot-controller")
	if ctl.Prepare == nil || ctl.AfterReady == nil {
		t.Error("snapshot-controller must apply the CRDs before it starts (Prepare) and on every up (AfterReady)")
	}
	// Every address any storage process is told to listen on is loopback,
	// and no two share a port.
	for _, comp := range storageComponents(c) {
		for _, a := range comp.Args {
			k, v, ok := strings.Cut(a, "=")
			if !ok || !(strings.Contains(k, "endpoint") || strings.Contains(k, "address")) || strings.HasPrefix(v, "unix://") || strings.HasPrefix(v, "/") {
				continue
			}
			host, port, err := net.SplitHostPort(v)
			if err != nil || host != "127.0.0.1" {
				t.Errorf("%s %s: want 127.0.0.1:<port>", comp.Name, a)
			}
			if other, dup := ports[port]; dup {
				t.Errorf("%s and %s both use port %s", other, comp.Name, port)
			}
			ports[port] = comp.Name
		}
	}
	if len(ports) < 4 {
		t.Errorf("expected the HTTP endpoints of 4 sidecars, saw %v", ports)
	}
	built := map[string]Build{}
	for _, b := range builds(c) {
		built[b.Out] = b
	}
	for _, name := range []string{"snapshot-controller", "csi-snapshotter"} {
		b, ok := built[name]
		if !ok || b.Module != "csi" || !strings.HasPrefix(b.Pkg, "github.com/kubernetes-csi/external-snapshotter/v8/cmd/") ||
			!hasArg(b.LDFlags, "-X main.version="+pin) {
			t.Errorf("build of %s = %+v, want lab/go/csi external-snapshotter/v8 with main.version=%s", name, b, pin)
		}
	}
}

func TestCRDNameAndCheck(t *testing.T) {
	if got := crdName("config/crd/snapshot.storage.k8s.io_volumesnapshots.yaml"); got != "volumesnapshots.snapshot.storage.k8s.io" {
		t.Fatalf("crdName = %q", got)
	}
	good := "---\napiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: volumesnapshots.snapshot.storage.k8s.io\nspec:\n  versions:\n  - additionalPrinterColumns: []\n    name: v1\n    served: true\n"
	if err := checkCRD("snapshot.storage.k8s.io_volumesnapshots.yaml", []byte(good)); err != nil {
		t.Fatalf("good CRD refused: %v", err)
	}
	for what, bad := range map[string]string{
		"other name": strings.Replace(good, "name: volumesnapshots.", "name: volumegroupsnapshots.", 1),
		"not a CRD":  strings.Replace(good, "kind: CustomResourceDefinition", "kind: ConfigMap", 1),
		"without v1": strings.Replace(good, "name: v1\n", "name: v1beta1\n", 1),
		"empty":      "",
	} {
		if err := checkCRD("snapshot.storage.k8s.io_volumesnapshots.yaml", []byte(bad)); err == nil {
			t.Errorf("%s: accepted", what)
		}
	}
}

// The CRDs come from the module lab/go/csi/go.mod pins, through the Go
// module cache (no network here: GOPROXY=off), into the cache dir.
func TestSnapshotCRDsStagedFromPinnedModule(t *testing.T) {
	c := testConfig(t)
	t.Setenv("GOPROXY", "off")
	t.Setenv("GOFLAGS", "")
	mf := storageModuleFiles(c)[0]
	if mf.Version != c.Versions["CSI_SNAPSHOT_CRD_VERSION"] || mf.Version == "" {
		t.Fatalf("module files version %q, lab/versions.env CSI_SNAPSHOT_CRD_VERSION %q", mf.Version, c.Versions["CSI_SNAPSHOT_CRD_VERSION"])
	}
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go command")
	}
	if err := stageModuleFiles(c, mf); err != nil {
		if strings.Contains(err.Error(), "GOPROXY=off") || strings.Contains(err.Error(), "module lookup disabled") {
			t.Skipf("%s@%s is not in the module cache (lab/lab build downloads it): %v", mf.Path, mf.Version, err)
		}
		t.Fatal(err)
	}
	names := map[string]bool{}
	for _, f := range mf.Files {
		p := stagedFile(c, mf, f)
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if err := checkCRD(filepath.Base(p), data); err != nil {
			t.Errorf("%s: %v", p, err)
		}
		if !strings.Contains(string(data), "group: snapshot.storage.k8s.io") {
			t.Errorf("%s: not in group snapshot.storage.k8s.io", p)
		}
		names[crdName(p)] = true
	}
	for _, want := range []string{"volumesnapshotclasses", "volumesnapshotcontents", "volumesnapshots"} {
		if !names[want+".snapshot.storage.k8s.io"] {
			t.Errorf("CRD %s not staged (have %v)", want, names)
		}
	}
	src, _ := os.ReadFile(filepath.Join(c.FilesDir, mf.Out, ".source"))
	if string(src) != mf.Path+"@"+mf.Version+"\n" {
		t.Errorf(".source = %q", src)
	}
	// Staged files are kept (no second download); a pin go.mod does not
	// select is refused.
	p := stagedFile(c, mf, mf.Files[0])
	old := time.Now().Add(-time.Hour)
	os.Chtimes(p, old, old)
	if err := stageModuleFiles(c, mf); err != nil {
		t.Fatal(err)
	}
	if st, _ := os.Stat(p); !st.ModTime().Equal(old) {
		t.Error("staged files were copied again")
	}
	other := mf
	other.Version = "v8.0.0"
	other.Out = "other"
	if err := stageModuleFiles(c, other); err == nil || !strings.Contains(err.Error(), "lab/versions.env pins v8.0.0") {
		t.Errorf("a version go.mod does not select: got %v", err)
	}
}

func TestSnapshotClassManifest(t *testing.T) {
	c := testConfig(t)
	data, err := os.ReadFile(filepath.Join(c.LabDir, "manifests", "snapshot-class.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	text := string(data)
	for _, want := range []string{
		"apiVersion: snapshot.storage.k8s.io/v1\n",
		"kind: VolumeSnapshotClass\n",
		"  name: lab-snapshots\n",
		"    snapshot.storage.kubernetes.io/is-default-class: \"true\"\n",
		"driver: " + csiDriverName + "\n",
		"deletionPolicy: Delete\n",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("snapshot-class.yaml lacks %q", want)
		}
	}
	if strings.Count(text, "\nkind: ") != 1 {
		t.Error("snapshot-class.yaml should hold exactly one object")
	}
}

// A changed pin gives a new cache dir, but only the binaries whose inputs
// changed get a new module key (the others are reused, not rebuilt).
func TestModuleKeysFollowTheirOwnInputs(t *testing.T) {
	lab := t.TempDir()
	real := testConfig(t)
	env, err := os.ReadFile(filepath.Join(real.LabDir, "versions.env"))
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(lab, "versions.env"), env, 0o644)
	for _, m := range []string{"k8s", "csi"} {
		os.MkdirAll(filepath.Join(lab, "go", m), 0o755)
		os.WriteFile(filepath.Join(lab, "go", m, "go.mod"), []byte("module x/"+m+"\n"), 0o644)
	}
	t.Setenv("KDRILL_LAB_DIR", lab)
	keys := func() (string, map[string]string) {
		c, err := loadConfig()
		if err != nil {
			t.Fatal(err)
		}
		mk := map[string]string{}
		for _, b := range builds(c) {
			if k, err := moduleKey(c, b); err == nil {
				mk[b.Out] = k
			}
		}
		return c.CacheDir, mk
	}
	dir1, k1 := keys()
	pin := real.Versions["CSI_SNAPSHOTTER_VERSION"]
	os.WriteFile(filepath.Join(lab, "versions.env"),
		[]byte(strings.Replace(string(env), "CSI_SNAPSHOTTER_VERSION="+pin, "CSI_SNAPSHOTTER_VERSION=v8.9.9", 1)), 0o644)
	dir2, k2 := keys()
	if dir1 == dir2 {
		t.Error("a changed pin kept the cache dir")
	}
	for _, b := range []string{"snapshot-controller", "csi-snapshotter"} {
		if k1[b] == k2[b] {
			t.Errorf("%s: same module key after its version changed", b)
		}
	}
	for _, b := range []string{"kube-apiserver", "kubelet", "lab-csi-driver", "csi-provisioner"} {
		if k1[b] == "" || k1[b] != k2[b] {
			t.Errorf("%s: module key changed with the snapshotter pin (%q -> %q): it would be rebuilt", b, k1[b], k2[b])
		}
	}
	os.WriteFile(filepath.Join(lab, "go", "csi", "go.mod"), []byte("module x/csi\n\nrequire y v1\n"), 0o644)
	_, k3 := keys()
	if k3["csi-provisioner"] == k2["csi-provisioner"] || k3["kube-apiserver"] != k2["kube-apiserver"] {
		t.Error("a changed lab/go/csi/go.mod must change the csi binaries' keys and only theirs")
	}
}

func TestKwokBadArgumentsTouchNothing(t *testing.T) {
	c := testConfig(t)
	for _, args := range [][]string{
		nil, {"sideways"}, {"up", "--nodes"}, {"up", "--nodes", "0"}, {"up", "--nodes=51"},
		{"up", "--nodes", "two"}, {"up", "--node", "2"}, {"down", "now"},
	} {
		err := cmdKwok(c, args)
		if err == nil || !strings.Contains(err.Error(), "kwok") {
			t.Errorf("kwok %v: want a usage error naming kwok, got %v", args, err)
		}
	}
	if fileExists(c.Bin("kwok")) {
		t.Errorf("a bad argument built kwok")
	}
}

func TestFakeNodeIsAnnotatedLabelledAndTainted(t *testing.T) {
	var n struct {
		Metadata struct {
			Name        string            `json:"name"`
			Annotations map[string]string `json:"annotations"`
			Labels      map[string]string `json:"labels"`
		} `json:"metadata"`
		Spec struct {
			Taints []struct{ Key, Value, Effect string } `json:"taints"`
		} `json:"spec"`
	}
	if err := json.Unmarshal([]byte(fakeNodeManifest("kwok-3")), &n); err != nil {
		t.Fatal(err)
	}
	if n.Metadata.Name != "kwok-3" || n.Metadata.Annotations[kwokFakeKey] != kwokFakeVal || n.Metadata.Labels[kwokFakeKey] != kwokFakeVal {
		t.Errorf("fake node not marked for KWOK: %+v", n.Metadata)
	}
	if len(n.Spec.Taints) != 1 || n.Spec.Taints[0].Key != kwokFakeKey || n.Spec.Taints[0].Effect != "NoSchedule" {
		t.Errorf("fake node not tainted: %+v", n.Spec.Taints)
	}
}

func TestKwokStagesAndBuildArePinned(t *testing.T) {
	c := testConfig(t)
	mf := kwokStages(c)
	if mf.Version == "" || mf.Version != c.Versions["KWOK_VERSION"] {
		t.Fatalf("stages version %q, pin %q", mf.Version, c.Versions["KWOK_VERSION"])
	}
	args := strings.Join(kwokComponent(c).Args, " ")
	for _, f := range mf.Files {
		if !strings.Contains(args, "--config "+stagedFile(c, mf, f)) {
			t.Errorf("kwok is not given stage %s: %s", f, args)
		}
	}
	if !strings.Contains(args, "--manage-nodes-with-annotation-selector "+kwokFakeKey+"="+kwokFakeVal) {
		t.Errorf("kwok manages more than the fake nodes: %s", args)
	}
	for _, b := range builds(c) {
		if b.Out == "kwok" {
			t.Errorf("lab/lab up builds kwok; it is built on demand")
		}
	}
}

func TestBridgeMACIsFixedLocalUnicastAndPerNode(t *testing.T) {
	c := testConfig(t)
	a, b := bridgeMAC(c.Nodes[0]), bridgeMAC(c.Nodes[1])
	if a == b {
		t.Fatalf("both nodes' bridges get %s", a)
	}
	for _, mac := range []string{a, b} {
		hw, err := net.ParseMAC(mac)
		if err != nil {
			t.Fatal(err)
		}
		if hw[0]&0x02 == 0 || hw[0]&0x01 != 0 {
			t.Fatalf("%s is not a locally administered unicast address", mac)
		}
	}
}

// A running API server and no kubectl in the lab's cache (the lab's versions
// changed since it came up): the fake nodes may stay, which must be an
// error naming what to do, never a silent success.
func TestDeleteFakeNodesFailsWithoutKubectl(t *testing.T) {
	start, ok := procStart(os.Getpid())
	if !ok {
		t.Skip("no /proc start time for this process")
	}
	c := &Config{BinDir: t.TempDir()}
	s := &State{Procs: map[string]*Proc{"kube-apiserver": {PID: os.Getpid(), StartTime: start}}}
	err := deleteFakeNodes(c, s)
	if err == nil || !strings.Contains(err.Error(), "run lab/lab up") {
		t.Fatalf("want an error saying to run lab/lab up, got %v", err)
	}
	if err := deleteFakeNodes(c, &State{Procs: map[string]*Proc{}}); err != nil {
		t.Fatalf("no API server: nothing to delete, got %v", err)
	}
}
