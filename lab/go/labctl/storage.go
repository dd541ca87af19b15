package main

// storage.go is the one hook through which the storage part of the lab
// (lab/go/csi, lab/manifests/storage.yaml) plugs into labctl. It is owned by
// the storage engineer; the rest of labctl only calls the functions below.
//
// Types (defined in component.go, config.go and build.go):
//
//	type Component struct {
//		Name    string            // unique; log at <state>/logs/<Name>.log, PID in run/state.json
//		Bin     string            // a binary name in <cache>/bin ("lab-csi-driver") or an absolute path
//		Args    []string
//		Env     []string          // "K=V" added to the base environment (PATH, HOME)
//		Version string            // shown by `lab status`
//		URL     string            // shown by `lab status` (optional)
//		Prepare func() error      // optional: runs before each start (mkdir, write config)
//		Ready   func() error      // optional: polled every 250ms until nil or ReadyTimeout
//		ReadyTimeout time.Duration // default 60s
//	}
//
//	Config fields (c *Config):
//		c.LabDir      absolute path of lab/ in the checkout
//		c.StateDir    <state> (default /var/lib/kdrill-lab); storage uses c.CSIDir = <state>/csi
//		c.BinDir      <cache>/<hash>/bin; c.Bin("name") = absolute path of a built binary
//		c.Kubeconfig  <state>/admin.kubeconfig (system:masters)
//		c.LogDir      <state>/logs
//		c.Versions    map of lab/versions.env (KEY -> value)
//		c.Nodes       []*Node, each with
//		    Name ("127.0.0.2"), Letter ("a"), IP, Dir (<state>/nodes/<name>),
//		    KubeletDir (<Dir>/kubelet, the kubelet --root-dir),
//		    PluginsRegistryDir (<KubeletDir>/plugins_registry),
//		    PluginsDir (<KubeletDir>/plugins)
//
//	type Build struct {
//		Module  string   // directory under lab/go with a go.mod ("csi")
//		Pkg     string   // package for `go build`, run inside that module ("./cmd/lab-csi-driver")
//		Out     string   // binary name in <cache>/bin
//		LDFlags []string // extra -ldflags (e.g. "-X main.version=v1")
//	}
//
// Start order: etcd, kube-apiserver, controller-manager, scheduler, coredns,
// per node containerd + kubelet, then storageComponents (in slice order),
// then every lab/manifests/*.yaml is applied with kubectl; `up` then waits
// for the nodes, the default StorageClass (when lab/manifests/storage.yaml
// exists) and the default ServiceAccount. `down` stops components in
// reverse order by recorded PID. Builds listed by storageBuilds are built
// into <cache>/bin with the other binaries when lab/go/<Module>/go.mod
// exists; the cache key covers every go.mod, go.sum and *.go under lab/go
// (except labctl itself).
//
// Storage design (lab/README.md "Storage"): lab-csi-driver (driver name
// lab.kdrill.io) keeps each volume as a sparse image file
// <state>/csi/volumes/<id>.img formatted xfs (ext4 for lab-fixed),
// loop-mounted once at <state>/csi/mounts/<id> and bind-mounted into the
// pods' volume dirs by the node plugin of whichever kubelet runs the pod.
// One controller process serves csi-provisioner and csi-resizer on
// <state>/csi/controller.sock; one node process per kubelet serves
// <kubelet>/plugins/lab.kdrill.io/csi.sock and registers itself through
// <kubelet>/plugins_registry/lab.kdrill.io-reg.sock.
//
// VolumeSnapshots (snapshot.storage.k8s.io/v1): the upstream
// snapshot-controller and csi-snapshotter sidecar run as host processes
// like the provisioner; their CRDs come from the pinned
// external-snapshotter client module (storageModuleFiles: staged from the
// Go module cache at build time, applied by up before the snapshot
// controller starts and on every up); the VolumeSnapshotClass
// lab-snapshots is in lab/manifests/snapshot-class.yaml.

import (
	"fmt"
	"net"
	"net/http"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"time"
)

const (
	csiDriverName = "lab.kdrill.io"
	// Metrics endpoints of the sidecars (loopback only); their /metrics
	// answering means the sidecar is past its CSI connection.
	csiProvisionerHTTP     = "127.0.0.1:10370"
	csiResizerHTTP         = "127.0.0.1:10371"
	csiSnapshotterHTTP     = "127.0.0.1:10372"
	snapshotControllerHTTP = "127.0.0.1:10373"

	// snapshotCRDsDir is where the VolumeSnapshot CRDs are staged under <cache>/<hash>/files.
	snapshotCRDsDir = "snapshot-crds"
)

// snapshotCRDFiles are the snapshot.storage.k8s.io/v1 CRDs inside the
// external-snapshotter client module (github.com/kubernetes-csi/external-snapshotter/client/v8).
var snapshotCRDFiles = []string{
	"config/crd/snapshot.storage.k8s.io_volumesnapshotclasses.yaml",
	"config/crd/snapshot.storage.k8s.io_volumesnapshotcontents.yaml",
	"config/crd/snapshot.storage.k8s.io_volumesnapshots.yaml",
}

// storageTools are the host commands lab-csi-driver runs.
var storageTools = map[string]string{
	"mkfs.xfs": "xfsprogs", "xfs_growfs": "xfsprogs",
	"mkfs.ext4": "e2fsprogs", "resize2fs": "e2fsprogs", "e2fsck": "e2fsprogs",
	"losetup": "util-linux", "mount": "mount", "fsfreeze": "util-linux",
}

func csiControllerSocket(c *Config) string { return filepath.Join(c.CSIDir, "controller.sock") }

func csiNodeSocket(n *Node) string { return filepath.Join(n.PluginsDir, csiDriverName, "csi.sock") }

// storageComponents returns the host processes of the storage part.
func storageComponents(c *Config) []Component {
	driverVersion := "lab (CSI " + c.Versions["CSI_SPEC_VERSION"] + ")"
	cs := []Component{{
		Name:    "csi-controller",
		Bin:     "lab-csi-driver",
		Version: driverVersion,
		URL:     "unix://" + csiControllerSocket(c),
		Args: []string{
			"--mode=controller",
			"--csi-dir=" + c.CSIDir,
			"--endpoint=unix://" + csiControllerSocket(c),
		},
		Prepare: func() error {
			var missing []string
			for tool, pkg := range storageTools {
				if _, err := exec.LookPath(tool); err != nil {
					missing = append(missing, tool+" ("+pkg+")")
				}
			}
			if len(missing) > 0 {
				return fmt.Errorf("missing host tools: %s; install them with scripts/setup (scripts/debian-packages.txt)", strings.Join(missing, ", "))
			}
			return mkdirs(c.CSIDir)
		},
		Ready: func() error { return dialUnix(csiControllerSocket(c)) },
	}}
	for _, n := range c.Nodes {
		n := n
		cs = append(cs, Component{
			Name:    "csi-node-" + n.Letter,
			Bin:     "lab-csi-driver",
			Version: driverVersion,
			URL:     "unix://" + csiNodeSocket(n) + " (node " + n.Name + ")",
			Args: []string{
				"--mode=node",
				"--node-id=" + n.Name,
				"--csi-dir=" + c.CSIDir,
				"--kubelet-dir=" + n.KubeletDir,
				"--endpoint=unix://" + csiNodeSocket(n),
				"--registration-dir=" + n.PluginsRegistryDir,
			},
			Prepare: func() error { return mkdirs(c.CSIDir, n.PluginsRegistryDir, filepath.Dir(csiNodeSocket(n))) },
			// Ready once the kubelet has registered the driver (CSINode lists it).
			Ready: func() error {
				if err := dialUnix(csiNodeSocket(n)); err != nil {
					return err
				}
				return csiNodeRegistered(c, n.Name)
			},
			ReadyTimeout: 90 * time.Second,
		})
	}
	cs = append(cs,
		Component{
			Name:    "csi-provisioner",
			Bin:     "csi-provisioner",
			Version: c.Versions["CSI_PROVISIONER_VERSION"],
			URL:     "http://" + csiProvisionerHTTP + "/metrics",
			Args: []string{
				"--csi-address=" + csiControllerSocket(c),
				"--kubeconfig=" + c.Kubeconfig,
				"--leader-election=false",
				"--feature-gates=Topology=true",
				"--immediate-topology=true",
				"--extra-create-metadata",
				"--timeout=60s",
				"--retry-interval-start=1s",
				"--retry-interval-max=30s",
				"--http-endpoint=" + csiProvisionerHTTP,
				"--v=2",
			},
			Ready: func() error {
				return httpOK(&http.Client{Timeout: 2 * time.Second}, "http://"+csiProvisionerHTTP+"/metrics")
			},
		},
		Component{
			Name:    "csi-resizer",
			Bin:     "csi-resizer",
			Version: c.Versions["CSI_RESIZER_VERSION"],
			URL:     "http://" + csiResizerHTTP + "/metrics",
			Args: []string{
				"--csi-address=" + csiControllerSocket(c),
				"--kubeconfig=" + c.Kubeconfig,
				"--leader-election=false",
				"--timeout=60s",
				"--retry-interval-start=1s",
				"--retry-interval-max=30s",
				"--http-endpoint=" + csiResizerHTTP,
				"--v=2",
			},
			Ready: func() error {
				return httpOK(&http.Client{Timeout: 2 * time.Second}, "http://"+csiResizerHTTP+"/metrics")
			},
		},
		// snapshot-controller: binds VolumeSnapshots to VolumeSnapshotContents
		// (creates the contents of dynamic snapshots, deletes them by the
		// class's deletionPolicy). It exits at start when the CRDs are
		// missing, so they are applied before it starts, and again on every
		// up (idempotent) so the VolumeSnapshotClass manifest finds them.
		Component{
			Name:    "snapshot-controller",
			Bin:     "snapshot-controller",
			Version: c.Versions["CSI_SNAPSHOTTER_VERSION"],
			URL:     "http://" + snapshotControllerHTTP + "/metrics",
			Args: []string{
				"--kubeconfig=" + c.Kubeconfig,
				"--leader-election=false",
				"--retry-interval-start=1s",
				"--retry-interval-max=30s",
				"--http-endpoint=" + snapshotControllerHTTP,
				"--v=2",
			},
			Prepare: func() error { return ensureSnapshotCRDs(c) },
			Ready: func() error {
				return httpOK(&http.Client{Timeout: 2 * time.Second}, "http://"+snapshotControllerHTTP+"/metrics")
			},
			AfterReady: func() error { return ensureSnapshotCRDs(c) },
		},
		// csi-snapshotter: calls CreateSnapshot/DeleteSnapshot on the
		// controller socket for the VolumeSnapshotContents of lab.kdrill.io.
		Component{
			Name:    "csi-snapshotter",
			Bin:     "csi-snapshotter",
			Version: c.Versions["CSI_SNAPSHOTTER_VERSION"],
			URL:     "http://" + csiSnapshotterHTTP + "/metrics",
			Args: []string{
				"--csi-address=" + csiControllerSocket(c),
				"--kubeconfig=" + c.Kubeconfig,
				"--leader-election=false",
				"--extra-create-metadata",
				"--timeout=60s",
				"--retry-interval-start=1s",
				"--retry-interval-max=30s",
				"--http-endpoint=" + csiSnapshotterHTTP,
				"--v=2",
			},
			Ready: func() error {
				return httpOK(&http.Client{Timeout: 2 * time.Second}, "http://"+csiSnapshotterHTTP+"/metrics")
			},
		},
	)
	return cs
}

// storageBuilds returns the binaries of the storage part to build into <cache>/bin.
// The sidecars are built from the Go module proxy at the versions pinned in
// lab/go/csi/go.mod (tool directives), which lab/versions.env repeats.
func storageBuilds(c *Config) []Build {
	return []Build{
		{Module: "csi", Pkg: "./cmd/lab-csi-driver", Out: "lab-csi-driver"},
		{Module: "csi", Pkg: "github.com/kubernetes-csi/external-provisioner/v5/cmd/csi-provisioner", Out: "csi-provisioner",
			LDFlags: []string{"-X main.version=" + c.Versions["CSI_PROVISIONER_VERSION"]}},
		{Module: "csi", Pkg: "github.com/kubernetes-csi/external-resizer/cmd/csi-resizer", Out: "csi-resizer",
			LDFlags: []string{"-X main.version=" + c.Versions["CSI_RESIZER_VERSION"]}},
		{Module: "csi", Pkg: "github.com/kubernetes-csi/external-snapshotter/v8/cmd/snapshot-controller", Out: "snapshot-controller",
			LDFlags: []string{"-X main.version=" + c.Versions["CSI_SNAPSHOTTER_VERSION"]}},
		{Module: "csi", Pkg: "github.com/kubernetes-csi/external-snapshotter/v8/cmd/csi-snapshotter", Out: "csi-snapshotter",
			LDFlags: []string{"-X main.version=" + c.Versions["CSI_SNAPSHOTTER_VERSION"]}},
	}
}

// storageModuleFiles are the files of pinned modules the storage part uses
// at run time: the VolumeSnapshot CRDs of the external-snapshotter client
// module that lab/go/csi/go.mod pins.
func storageModuleFiles(c *Config) []ModuleFiles {
	return []ModuleFiles{{
		Module:  "csi",
		Path:    "github.com/kubernetes-csi/external-snapshotter/client/v8",
		Version: c.Versions["CSI_SNAPSHOT_CRD_VERSION"],
		Files:   snapshotCRDFiles,
		Out:     snapshotCRDsDir,
		Check:   checkCRD,
	}}
}

// crdName is the name of the CRD in a controller-gen file
// "<group>_<plural>.yaml": "<plural>.<group>".
func crdName(file string) string {
	base := strings.TrimSuffix(filepath.Base(file), ".yaml")
	group, plural, ok := strings.Cut(base, "_")
	if !ok {
		return ""
	}
	return plural + "." + group
}

var crdV1 = regexp.MustCompile(`(?m)^\s*(- )?name: v1\s*$`)

// checkCRD accepts a CustomResourceDefinition whose metadata.name matches
// its file name and that serves v1.
func checkCRD(name string, data []byte) error {
	text := string(data)
	want := crdName(name)
	switch {
	case want == "":
		return fmt.Errorf("file name is not <group>_<plural>.yaml")
	case !strings.Contains(text, "\nkind: CustomResourceDefinition\n"):
		return fmt.Errorf("not a CustomResourceDefinition")
	case !strings.Contains(text, "\n  name: "+want+"\n"):
		return fmt.Errorf("does not name the CRD %s", want)
	case !crdV1.MatchString(text):
		return fmt.Errorf("CRD %s has no version v1", want)
	}
	return nil
}

// snapshotCRDsEnsured is set once this run applied the CRDs and saw them
// Established (the snapshot-controller's Prepare and AfterReady both ask).
var snapshotCRDsEnsured bool

// ensureSnapshotCRDs applies the staged VolumeSnapshot CRDs (server-side,
// idempotent) and waits until each is Established and the
// snapshot.storage.k8s.io/v1 API serves them.
func ensureSnapshotCRDs(c *Config) error {
	if snapshotCRDsEnsured {
		return nil
	}
	start := time.Now()
	mf := storageModuleFiles(c)[0]
	args := []string{"apply", "--server-side", "--force-conflicts", "--field-manager=kdrill-lab"}
	for _, f := range mf.Files {
		p := stagedFile(c, mf, f)
		if !fileExists(p) {
			return fmt.Errorf("%s is missing (staged by lab/lab build from %s@%s)", p, mf.Path, mf.Version)
		}
		args = append(args, "-f", p)
	}
	if err := poll(30*time.Second, time.Second, func() error {
		_, err := kubectl(c, 60*time.Second, args...)
		return err
	}); err != nil {
		return fmt.Errorf("apply the VolumeSnapshot CRDs: %w", err)
	}
	err := poll(60*time.Second, 250*time.Millisecond, func() error {
		for _, f := range mf.Files {
			if err := crdEstablished(c, crdName(f)); err != nil {
				return err
			}
		}
		// Established CRDs are served once discovery has them.
		return apiGet(c, "/apis/snapshot.storage.k8s.io/v1/volumesnapshotclasses?limit=1", nil)
	})
	if err != nil {
		return fmt.Errorf("VolumeSnapshot CRDs not Established: %w", err)
	}
	snapshotCRDsEnsured = true
	logf("%-26s after %s (%s@%s)", "VolumeSnapshot CRDs Established", since(start), mf.Path, mf.Version)
	return nil
}

// crdEstablished checks the Established condition of one CRD.
func crdEstablished(c *Config, name string) error {
	var crd struct {
		Status struct {
			Conditions []struct {
				Type   string `json:"type"`
				Status string `json:"status"`
			} `json:"conditions"`
		} `json:"status"`
	}
	if err := apiGet(c, "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/"+name, &crd); err != nil {
		return err
	}
	for _, cond := range crd.Status.Conditions {
		if cond.Type == "Established" && cond.Status == "True" {
			return nil
		}
	}
	return fmt.Errorf("CRD %s is not Established yet", name)
}

// storageCleanup runs after down has unmounted everything under the state
// dir: it detaches every loop device still backed by a file under
// <state>/csi (volume images, snapshots), found through
// /sys/block/loop*/loop/backing_file (`losetup -j <image>` names the same
// devices), and returns what it could not undo. Mounts made by mount -o
// loop are autoclear: normally nothing is left to detach.
func storageCleanup(c *Config) []string {
	if !fileExists(c.Bin("lab-csi-driver")) {
		return nil
	}
	out, err := run(60*time.Second, c.Bin("lab-csi-driver"), "--mode=cleanup", "--csi-dir="+c.CSIDir)
	if err != nil {
		return []string{strings.TrimSpace(out + " " + err.Error())}
	}
	return nil
}

func dialUnix(path string) error {
	conn, err := net.DialTimeout("unix", path, 2*time.Second)
	if err != nil {
		return err
	}
	return conn.Close()
}

// csiNodeRegistered checks that the node's CSINode object lists the driver.
func csiNodeRegistered(c *Config, node string) error {
	var cn struct {
		Spec struct {
			Drivers []struct {
				Name         string   `json:"name"`
				NodeID       string   `json:"nodeID"`
				TopologyKeys []string `json:"topologyKeys"`
			} `json:"drivers"`
		} `json:"spec"`
	}
	if err := apiGet(c, "/apis/storage.k8s.io/v1/csinodes/"+node, &cn); err != nil {
		return err
	}
	for _, d := range cn.Spec.Drivers {
		if d.Name == csiDriverName {
			return nil
		}
	}
	return fmt.Errorf("CSINode %s does not list %s yet (kubelet plugin registration)", node, csiDriverName)
}
