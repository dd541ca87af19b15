package driver

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/container-storage-interface/spec/lib/go/csi"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"
	registerapi "k8s.io/kubelet/pkg/apis/pluginregistration/v1"

	"kdrill.io/lab/csi/internal/volume"
)

const mi = int64(1) << 20

func needLoop(t *testing.T) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root (loop devices, mount)")
	}
	if _, err := os.Stat("/dev/loop-control"); err != nil {
		t.Skip("no /dev/loop-control")
	}
	for _, tool := range []string{"mkfs.ext4", "resize2fs", "e2fsck", "mkfs.xfs", "xfs_growfs", "losetup", "mount", "fsfreeze"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s not found", tool)
		}
	}
}

// lab is a controller and two node services over real gRPC sockets,
// sharing one temp state dir, as in the lab.
type lab struct {
	dir        string
	store      *volume.Store
	ctrl       csi.ControllerClient
	ident      csi.IdentityClient
	nodes      map[string]csi.NodeClient
	nodeIdents map[string]csi.IdentityClient
}

func newLab(t *testing.T) *lab {
	t.Helper()
	needLoop(t)
	dir := t.TempDir()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	if testing.Verbose() {
		log = slog.New(slog.NewTextHandler(os.Stderr, nil))
	}
	store, err := volume.New(filepath.Join(dir, "csi"), log)
	if err != nil {
		t.Fatal(err)
	}
	store.MinFreeBytes = 0
	store.MaxVolumeBytes = 256 * mi
	ctx, cancel := context.WithCancel(context.Background())
	l := &lab{dir: dir, store: store, nodes: map[string]csi.NodeClient{}, nodeIdents: map[string]csi.IdentityClient{}}
	var done []chan struct{}
	serve := func(d *Driver, sock string) *grpc.ClientConn {
		ch := make(chan struct{})
		done = append(done, ch)
		go func() { defer close(ch); d.Serve(ctx, sock) }()
		waitSocket(t, sock)
		conn, err := grpc.NewClient("unix://"+sock, grpc.WithTransportCredentials(insecure.NewCredentials()))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { conn.Close() })
		return conn
	}
	cc := serve(&Driver{Store: store, Log: log, Controller: true, DefaultFsType: "xfs"}, filepath.Join(dir, "csi", "controller.sock"))
	l.ctrl, l.ident = csi.NewControllerClient(cc), csi.NewIdentityClient(cc)
	for _, n := range []string{"127.0.0.2", "127.0.0.3"} {
		nc := serve(&Driver{Store: store, Log: log, NodeID: n}, filepath.Join(dir, "nodes", n, "csi.sock"))
		l.nodes[n] = csi.NewNodeClient(nc)
		l.nodeIdents[n] = csi.NewIdentityClient(nc)
	}
	t.Cleanup(func() {
		cancel()
		for _, ch := range done {
			<-ch
		}
		// A failed test may leave its publishes (the kubelet's part) mounted.
		if ms, err := volume.ReadMountInfo(); err == nil {
			for i := len(ms) - 1; i >= 0; i-- {
				if strings.HasPrefix(ms[i].MountPoint, filepath.Join(dir, "nodes")+"/") {
					syscall.Unmount(ms[i].MountPoint, syscall.MNT_DETACH)
				}
			}
		}
		if left := store.Cleanup(); len(left) > 0 {
			t.Errorf("cleanup left: %v", left)
		}
	})
	return l
}

func waitSocket(t *testing.T, path string) {
	t.Helper()
	for i := 0; i < 200; i++ {
		if _, err := os.Stat(path); err == nil {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("socket %s never appeared", path)
}

func mountCap(mode csi.VolumeCapability_AccessMode_Mode) *csi.VolumeCapability {
	return fsCap("", mode)
}

func fsCap(fs string, mode csi.VolumeCapability_AccessMode_Mode) *csi.VolumeCapability {
	return &csi.VolumeCapability{
		AccessType: &csi.VolumeCapability_Mount{Mount: &csi.VolumeCapability_MountVolume{FsType: fs}},
		AccessMode: &csi.VolumeCapability_AccessMode{Mode: mode},
	}
}

// rwo names no fsType: the driver's default (xfs) applies.
var rwo = mountCap(csi.VolumeCapability_AccessMode_SINGLE_NODE_WRITER)

func wantCode(t *testing.T, err error, code codes.Code, what string) {
	t.Helper()
	if status.Code(err) != code {
		t.Fatalf("%s: got %v, want code %s", what, err, code)
	}
}

func statfs(t *testing.T, path string) (total, avail int64) {
	t.Helper()
	var st syscall.Statfs_t
	if err := syscall.Statfs(path, &st); err != nil {
		t.Fatal(err)
	}
	return int64(st.Blocks) * st.Bsize, int64(st.Bavail) * st.Bsize
}

func (l *lab) create(t *testing.T, req *csi.CreateVolumeRequest) *csi.Volume {
	t.Helper()
	if req.VolumeCapabilities == nil {
		req.VolumeCapabilities = []*csi.VolumeCapability{rwo}
	}
	resp, err := l.ctrl.CreateVolume(context.Background(), req)
	if err != nil {
		t.Fatalf("CreateVolume %s: %v", req.Name, err)
	}
	return resp.Volume
}

func (l *lab) publish(t *testing.T, node, id string) string {
	t.Helper()
	target := filepath.Join(l.dir, "nodes", node, "pods", id, "mount")
	_, err := l.nodes[node].NodePublishVolume(context.Background(), &csi.NodePublishVolumeRequest{VolumeId: id, TargetPath: target, VolumeCapability: rwo})
	if err != nil {
		t.Fatalf("NodePublishVolume %s on %s: %v", id, node, err)
	}
	return target
}

func (l *lab) unpublish(t *testing.T, node, id, target string) {
	t.Helper()
	if _, err := l.nodes[node].NodeUnpublishVolume(context.Background(), &csi.NodeUnpublishVolumeRequest{VolumeId: id, TargetPath: target}); err != nil {
		t.Fatalf("NodeUnpublishVolume: %v", err)
	}
}

func TestIdentity(t *testing.T) {
	l := newLab(t)
	ctx := context.Background()
	info, err := l.ident.GetPluginInfo(ctx, &csi.GetPluginInfoRequest{})
	if err != nil || info.Name != Name {
		t.Fatalf("GetPluginInfo = %v, %v", info, err)
	}
	caps, err := l.ident.GetPluginCapabilities(ctx, &csi.GetPluginCapabilitiesRequest{})
	if err != nil || !strings.Contains(caps.String(), "CONTROLLER_SERVICE") || !strings.Contains(caps.String(), "ONLINE") {
		t.Fatalf("controller capabilities = %v, %v", caps, err)
	}
	caps, err = l.nodeIdents["127.0.0.2"].GetPluginCapabilities(ctx, &csi.GetPluginCapabilitiesRequest{})
	if err != nil || strings.Contains(caps.String(), "CONTROLLER_SERVICE") {
		t.Fatalf("node capabilities = %v, %v", caps, err)
	}
	ni, err := l.nodes["127.0.0.3"].NodeGetInfo(ctx, &csi.NodeGetInfoRequest{})
	if err != nil || ni.NodeId != "127.0.0.3" || ni.AccessibleTopology.Segments[TopologyKey] != "127.0.0.3" {
		t.Fatalf("NodeGetInfo = %v, %v", ni, err)
	}
}

// TestSharedVolumeLifecycle: create, publish on node a, fill to ENOSPC,
// expand online, move to node b, delete.
func TestSharedVolumeLifecycle(t *testing.T) {
	l := newLab(t)
	ctx := context.Background()
	topo := &csi.TopologyRequirement{Requisite: []*csi.Topology{{Segments: map[string]string{TopologyKey: "127.0.0.2"}}, {Segments: map[string]string{TopologyKey: "127.0.0.3"}}}}
	req := &csi.CreateVolumeRequest{Name: "pvc-shared-1", CapacityRange: &csi.CapacityRange{RequiredBytes: 32 * mi},
		Parameters:                map[string]string{ParamLocality: "shared", "csi.storage.k8s.io/pvc/name": "data-web-0"},
		AccessibilityRequirements: topo}
	v := l.create(t, req)
	if v.CapacityBytes != 32*mi || len(v.AccessibleTopology) != 0 {
		t.Fatalf("shared volume = %v: want 32Mi and no topology", v)
	}
	if again := l.create(t, req); again.VolumeId != v.VolumeId {
		t.Fatalf("repeated CreateVolume gave %s, want %s", again.VolumeId, v.VolumeId)
	}
	_, err := l.ctrl.CreateVolume(ctx, &csi.CreateVolumeRequest{Name: "pvc-shared-1", CapacityRange: &csi.CapacityRange{RequiredBytes: 64 * mi}, VolumeCapabilities: []*csi.VolumeCapability{rwo}})
	wantCode(t, err, codes.AlreadyExists, "CreateVolume with a bigger size under the same name")

	target := l.publish(t, "127.0.0.2", v.VolumeId)
	l.publish(t, "127.0.0.2", v.VolumeId) // idempotent
	if err := os.WriteFile(filepath.Join(target, "hello"), []byte("kdrill\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	total0, _ := statfs(t, target)

	// Fill: ENOSPC, the host untouched beyond the image.
	f, err := os.Create(filepath.Join(target, "fill"))
	if err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 1<<20)
	var werr error
	for i := 0; i < 64 && werr == nil; i++ {
		_, werr = f.Write(buf)
	}
	f.Close()
	if !errors.Is(werr, syscall.ENOSPC) {
		t.Fatalf("filling a 32Mi volume: got %v, want ENOSPC", werr)
	}
	st, _ := os.Stat(l.store.ImagePath(v.VolumeId))
	if st.Size() != 32*mi {
		t.Fatalf("image grew past its size: %d", st.Size())
	}
	os.Remove(filepath.Join(target, "fill"))

	// Delete while published: refused.
	_, err = l.ctrl.DeleteVolume(ctx, &csi.DeleteVolumeRequest{VolumeId: v.VolumeId})
	wantCode(t, err, codes.FailedPrecondition, "DeleteVolume of a published volume")

	// Online expansion: controller grows the image, node grows ext4.
	ex, err := l.ctrl.ControllerExpandVolume(ctx, &csi.ControllerExpandVolumeRequest{VolumeId: v.VolumeId, CapacityRange: &csi.CapacityRange{RequiredBytes: 96 * mi}, VolumeCapability: rwo})
	if err != nil || ex.CapacityBytes != 96*mi || !ex.NodeExpansionRequired {
		t.Fatalf("ControllerExpandVolume = %v, %v; want 96Mi and node expansion", ex, err)
	}
	nx, err := l.nodes["127.0.0.2"].NodeExpandVolume(ctx, &csi.NodeExpandVolumeRequest{VolumeId: v.VolumeId, VolumePath: target, CapacityRange: &csi.CapacityRange{RequiredBytes: 96 * mi}})
	if err != nil || nx.CapacityBytes != 96*mi {
		t.Fatalf("NodeExpandVolume = %v, %v", nx, err)
	}
	total1, _ := statfs(t, target)
	if total1 < total0+60*mi {
		t.Fatalf("filesystem size %d after expansion, was %d: want ~64Mi more", total1, total0)
	}
	stats, err := l.nodes["127.0.0.2"].NodeGetVolumeStats(ctx, &csi.NodeGetVolumeStatsRequest{VolumeId: v.VolumeId, VolumePath: target})
	if err != nil || stats.Usage[0].Total != total1 {
		t.Fatalf("NodeGetVolumeStats = %v, %v; want total %d", stats, err, total1)
	}

	// Drain: unpublish on a, publish on b, data intact.
	l.unpublish(t, "127.0.0.2", v.VolumeId, target)
	l.unpublish(t, "127.0.0.2", v.VolumeId, target) // idempotent
	targetB := l.publish(t, "127.0.0.3", v.VolumeId)
	if data, err := os.ReadFile(filepath.Join(targetB, "hello")); err != nil || string(data) != "kdrill\n" {
		t.Fatalf("data on node b: %q, %v", data, err)
	}
	l.unpublish(t, "127.0.0.3", v.VolumeId, targetB)
	if _, err := l.ctrl.DeleteVolume(ctx, &csi.DeleteVolumeRequest{VolumeId: v.VolumeId}); err != nil {
		t.Fatal(err)
	}
	if _, err := l.ctrl.DeleteVolume(ctx, &csi.DeleteVolumeRequest{VolumeId: v.VolumeId}); err != nil {
		t.Fatalf("second DeleteVolume: %v", err)
	}
	if loops := volume.LoopDevicesUnder(l.store.Root); len(loops) > 0 {
		t.Fatalf("loop devices left after delete: %v", loops)
	}
}

// TestExt4 checks ext4 volumes: created, filled, grown offline, and grown
// online where the host allows it (CAP_SYS_RESOURCE), else refused clearly.
func TestExt4(t *testing.T) {
	l := newLab(t)
	ctx := context.Background()
	ext4 := fsCap("ext4", csi.VolumeCapability_AccessMode_SINGLE_NODE_WRITER)
	v := l.create(t, &csi.CreateVolumeRequest{Name: "pvc-ext4", CapacityRange: &csi.CapacityRange{RequiredBytes: 32 * mi}, VolumeCapabilities: []*csi.VolumeCapability{ext4}})
	ex, err := l.ctrl.ControllerExpandVolume(ctx, &csi.ControllerExpandVolumeRequest{VolumeId: v.VolumeId, CapacityRange: &csi.CapacityRange{RequiredBytes: 40 * mi}})
	if err != nil || ex.NodeExpansionRequired {
		t.Fatalf("offline ControllerExpandVolume = %v, %v; want no node expansion", ex, err)
	}
	target := filepath.Join(l.dir, "nodes", "127.0.0.2", "pods", "ext4", "mount")
	if _, err := l.nodes["127.0.0.2"].NodePublishVolume(ctx, &csi.NodePublishVolumeRequest{VolumeId: v.VolumeId, TargetPath: target, VolumeCapability: fsCap("xfs", csi.VolumeCapability_AccessMode_SINGLE_NODE_WRITER)}); status.Code(err) != codes.InvalidArgument {
		t.Fatalf("publishing an ext4 volume as xfs: %v", err)
	}
	if _, err := l.nodes["127.0.0.2"].NodePublishVolume(ctx, &csi.NodePublishVolumeRequest{VolumeId: v.VolumeId, TargetPath: target, VolumeCapability: ext4}); err != nil {
		t.Fatal(err)
	}
	if total, _ := statfs(t, target); total < 33*mi {
		t.Fatalf("ext4 filesystem is %d bytes after the offline growth to 40Mi", total)
	}
	ex, err = l.ctrl.ControllerExpandVolume(ctx, &csi.ControllerExpandVolumeRequest{VolumeId: v.VolumeId, CapacityRange: &csi.CapacityRange{RequiredBytes: 48 * mi}})
	if err != nil || !ex.NodeExpansionRequired {
		t.Fatalf("online ControllerExpandVolume = %v, %v; want node expansion", ex, err)
	}
	_, err = l.nodes["127.0.0.2"].NodeExpandVolume(ctx, &csi.NodeExpandVolumeRequest{VolumeId: v.VolumeId, VolumePath: target})
	if volume.HaveCapSysResource() {
		if err != nil {
			t.Fatalf("online ext4 growth: %v", err)
		}
	} else {
		wantCode(t, err, codes.FailedPrecondition, "online ext4 growth without CAP_SYS_RESOURCE")
	}
	l.unpublish(t, "127.0.0.2", v.VolumeId, target)
	if _, err := l.ctrl.DeleteVolume(ctx, &csi.DeleteVolumeRequest{VolumeId: v.VolumeId}); err != nil {
		t.Fatal(err)
	}
}

func TestNodeLocalVolume(t *testing.T) {
	l := newLab(t)
	ctx := context.Background()
	_, err := l.ctrl.CreateVolume(ctx, &csi.CreateVolumeRequest{Name: "pvc-local-x", Parameters: map[string]string{ParamLocality: "node"}, VolumeCapabilities: []*csi.VolumeCapability{rwo}})
	wantCode(t, err, codes.InvalidArgument, "node-local volume without topology")
	_, err = l.ctrl.CreateVolume(ctx, &csi.CreateVolumeRequest{Name: "pvc-bad", Parameters: map[string]string{"localty": "node"}, VolumeCapabilities: []*csi.VolumeCapability{rwo}})
	wantCode(t, err, codes.InvalidArgument, "unknown parameter")
	_, err = l.ctrl.CreateVolume(ctx, &csi.CreateVolumeRequest{Name: "pvc-big", CapacityRange: &csi.CapacityRange{RequiredBytes: 1 << 40}, VolumeCapabilities: []*csi.VolumeCapability{rwo}})
	wantCode(t, err, codes.OutOfRange, "volume above the cap")

	v := l.create(t, &csi.CreateVolumeRequest{Name: "pvc-local-1", CapacityRange: &csi.CapacityRange{RequiredBytes: 20 * mi},
		Parameters: map[string]string{ParamLocality: "node"},
		AccessibilityRequirements: &csi.TopologyRequirement{
			Requisite: []*csi.Topology{{Segments: map[string]string{TopologyKey: "127.0.0.2"}}, {Segments: map[string]string{TopologyKey: "127.0.0.3"}}},
			Preferred: []*csi.Topology{{Segments: map[string]string{TopologyKey: "127.0.0.3"}}, {Segments: map[string]string{TopologyKey: "127.0.0.2"}}},
		}})
	if len(v.AccessibleTopology) != 1 || v.AccessibleTopology[0].Segments[TopologyKey] != "127.0.0.3" {
		t.Fatalf("node-local volume topology = %v, want the preferred node 127.0.0.3", v.AccessibleTopology)
	}
	_, err = l.nodes["127.0.0.2"].NodePublishVolume(ctx, &csi.NodePublishVolumeRequest{VolumeId: v.VolumeId, TargetPath: filepath.Join(l.dir, "x"), VolumeCapability: rwo})
	wantCode(t, err, codes.FailedPrecondition, "publishing a node-local volume on the other node")
	_, err = l.ctrl.CreateVolume(ctx, &csi.CreateVolumeRequest{Name: "pvc-local-rwx", Parameters: map[string]string{ParamLocality: "node"},
		VolumeCapabilities:        []*csi.VolumeCapability{mountCap(csi.VolumeCapability_AccessMode_MULTI_NODE_MULTI_WRITER)},
		AccessibilityRequirements: &csi.TopologyRequirement{Preferred: []*csi.Topology{{Segments: map[string]string{TopologyKey: "127.0.0.3"}}}}})
	wantCode(t, err, codes.InvalidArgument, "multi-node access on a node-local volume")
	target := l.publish(t, "127.0.0.3", v.VolumeId)
	l.unpublish(t, "127.0.0.3", v.VolumeId, target)
	if _, err := l.ctrl.DeleteVolume(ctx, &csi.DeleteVolumeRequest{VolumeId: v.VolumeId}); err != nil {
		t.Fatal(err)
	}
}

func TestSnapshotAndRestore(t *testing.T) {
	l := newLab(t)
	ctx := context.Background()
	v := l.create(t, &csi.CreateVolumeRequest{Name: "pvc-src", CapacityRange: &csi.CapacityRange{RequiredBytes: 24 * mi}})
	target := l.publish(t, "127.0.0.2", v.VolumeId)
	os.WriteFile(filepath.Join(target, "before"), []byte("1"), 0o644)
	sn, err := l.ctrl.CreateSnapshot(ctx, &csi.CreateSnapshotRequest{Name: "snapshot-1", SourceVolumeId: v.VolumeId})
	if err != nil || !sn.Snapshot.ReadyToUse || sn.Snapshot.SizeBytes != 24*mi {
		t.Fatalf("CreateSnapshot = %v, %v", sn, err)
	}
	os.WriteFile(filepath.Join(target, "after"), []byte("2"), 0o644)
	list, err := l.ctrl.ListSnapshots(ctx, &csi.ListSnapshotsRequest{SourceVolumeId: v.VolumeId})
	if err != nil || len(list.Entries) != 1 {
		t.Fatalf("ListSnapshots = %v, %v", list, err)
	}
	// Restore into a bigger volume; then clone the source.
	r := l.create(t, &csi.CreateVolumeRequest{Name: "pvc-restored", CapacityRange: &csi.CapacityRange{RequiredBytes: 40 * mi},
		VolumeContentSource: &csi.VolumeContentSource{Type: &csi.VolumeContentSource_Snapshot{Snapshot: &csi.VolumeContentSource_SnapshotSource{SnapshotId: sn.Snapshot.SnapshotId}}}})
	rt := l.publish(t, "127.0.0.3", r.VolumeId)
	if _, err := os.Stat(filepath.Join(rt, "before")); err != nil {
		t.Errorf("restored volume lacks the file written before the snapshot: %v", err)
	}
	if _, err := os.Stat(filepath.Join(rt, "after")); err == nil {
		t.Errorf("restored volume has the file written after the snapshot")
	}
	if total, _ := statfs(t, rt); total < 30*mi {
		t.Errorf("restored filesystem is %d bytes, want it grown to ~40Mi", total)
	}
	c := l.create(t, &csi.CreateVolumeRequest{Name: "pvc-clone", CapacityRange: &csi.CapacityRange{RequiredBytes: 24 * mi},
		VolumeContentSource: &csi.VolumeContentSource{Type: &csi.VolumeContentSource_Volume{Volume: &csi.VolumeContentSource_VolumeSource{VolumeId: v.VolumeId}}}})
	ct := l.publish(t, "127.0.0.3", c.VolumeId)
	if _, err := os.Stat(filepath.Join(ct, "after")); err != nil {
		t.Errorf("clone lacks the source's file: %v", err)
	}
	_, err = l.ctrl.CreateVolume(ctx, &csi.CreateVolumeRequest{Name: "pvc-none", VolumeCapabilities: []*csi.VolumeCapability{rwo},
		VolumeContentSource: &csi.VolumeContentSource{Type: &csi.VolumeContentSource_Snapshot{Snapshot: &csi.VolumeContentSource_SnapshotSource{SnapshotId: "snapshot-missing"}}}})
	wantCode(t, err, codes.NotFound, "restore from a missing snapshot")
	for _, x := range []struct{ node, id, target string }{{"127.0.0.2", v.VolumeId, target}, {"127.0.0.3", r.VolumeId, rt}, {"127.0.0.3", c.VolumeId, ct}} {
		l.unpublish(t, x.node, x.id, x.target)
		if _, err := l.ctrl.DeleteVolume(ctx, &csi.DeleteVolumeRequest{VolumeId: x.id}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := l.ctrl.DeleteSnapshot(ctx, &csi.DeleteSnapshotRequest{SnapshotId: sn.Snapshot.SnapshotId}); err != nil {
		t.Fatal(err)
	}
}

// TestSnapshotRestoreRules covers what csi-snapshotter and csi-provisioner
// rely on for VolumeSnapshots: class parameters (only the sidecar's
// metadata), the restore size rule (>= the snapshot's size_bytes, which
// becomes its restoreSize), the filesystem match, and deletion of the
// backing files.
func TestSnapshotRestoreRules(t *testing.T) {
	l := newLab(t)
	ctx := context.Background()
	// csi-snapshotter exits at start unless the controller advertises
	// CREATE_DELETE_SNAPSHOT.
	caps, err := l.ctrl.ControllerGetCapabilities(ctx, &csi.ControllerGetCapabilitiesRequest{})
	if err != nil {
		t.Fatal(err)
	}
	have := map[csi.ControllerServiceCapability_RPC_Type]bool{}
	for _, c := range caps.Capabilities {
		have[c.GetRpc().GetType()] = true
	}
	for _, want := range []csi.ControllerServiceCapability_RPC_Type{
		csi.ControllerServiceCapability_RPC_CREATE_DELETE_SNAPSHOT, csi.ControllerServiceCapability_RPC_LIST_SNAPSHOTS} {
		if !have[want] {
			t.Errorf("controller does not advertise %s", want)
		}
	}
	v := l.create(t, &csi.CreateVolumeRequest{Name: "pvc-rules", CapacityRange: &csi.CapacityRange{RequiredBytes: 32 * mi}})
	target := l.publish(t, "127.0.0.2", v.VolumeId)
	if err := os.WriteFile(filepath.Join(target, "data"), []byte("v1"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = l.ctrl.CreateSnapshot(ctx, &csi.CreateSnapshotRequest{Name: "snapshot-bad", SourceVolumeId: v.VolumeId,
		Parameters: map[string]string{"speed": "fast"}})
	wantCode(t, err, codes.InvalidArgument, "snapshot with an unknown class parameter")
	sn, err := l.ctrl.CreateSnapshot(ctx, &csi.CreateSnapshotRequest{Name: "snapshot-2", SourceVolumeId: v.VolumeId,
		Parameters: map[string]string{
			"csi.storage.k8s.io/volumesnapshot/name":        "before",
			"csi.storage.k8s.io/volumesnapshot/namespace":   "drills",
			"csi.storage.k8s.io/volumesnapshotcontent/name": "snapcontent-1",
		}})
	if err != nil {
		t.Fatalf("CreateSnapshot: %v", err)
	}
	if sn.Snapshot.SizeBytes != 32*mi || !sn.Snapshot.ReadyToUse || sn.Snapshot.SourceVolumeId != v.VolumeId {
		t.Fatalf("snapshot = %v, want 32Mi, ready, source %s", sn.Snapshot, v.VolumeId)
	}
	meta, err := l.store.GetSnapshot(sn.Snapshot.SnapshotId)
	if err != nil || meta.Labels["volumesnapshot/name"] != "before" || meta.Labels["volumesnapshot/namespace"] != "drills" {
		t.Fatalf("snapshot metadata = %+v, %v; want the VolumeSnapshot's name and namespace as labels", meta, err)
	}
	if err := os.WriteFile(filepath.Join(target, "data"), []byte("v2"), 0o644); err != nil {
		t.Fatal(err)
	}
	fromSnap := func(name string, bytes int64, fs string) (*csi.CreateVolumeResponse, error) {
		return l.ctrl.CreateVolume(ctx, &csi.CreateVolumeRequest{Name: name, CapacityRange: &csi.CapacityRange{RequiredBytes: bytes},
			VolumeCapabilities: []*csi.VolumeCapability{fsCap(fs, csi.VolumeCapability_AccessMode_SINGLE_NODE_WRITER)},
			VolumeContentSource: &csi.VolumeContentSource{Type: &csi.VolumeContentSource_Snapshot{
				Snapshot: &csi.VolumeContentSource_SnapshotSource{SnapshotId: sn.Snapshot.SnapshotId}}}})
	}
	// Smaller than the snapshot: refused, and nothing is left behind.
	_, err = fromSnap("pvc-too-small", 16*mi, "")
	wantCode(t, err, codes.OutOfRange, "restore smaller than the snapshot")
	if left, _ := filepath.Glob(filepath.Join(l.store.Root, "volumes", "pvc-too-small*")); len(left) > 0 {
		t.Errorf("a refused restore left files: %v", left)
	}
	// Another filesystem than the snapshot's: refused.
	_, err = fromSnap("pvc-ext4", 32*mi, "ext4")
	wantCode(t, err, codes.InvalidArgument, "restore of an xfs snapshot as ext4")
	// Exactly the restore size: the data of snapshot time, same capacity.
	r, err := fromSnap("pvc-same-size", 32*mi, "")
	if err != nil {
		t.Fatalf("restore of exactly the snapshot size: %v", err)
	}
	if r.Volume.CapacityBytes != 32*mi || r.Volume.GetContentSource().GetSnapshot().GetSnapshotId() != sn.Snapshot.SnapshotId {
		t.Fatalf("restored volume = %v, want 32Mi with the snapshot as content source", r.Volume)
	}
	rt := l.publish(t, "127.0.0.3", r.Volume.VolumeId)
	if got, err := os.ReadFile(filepath.Join(rt, "data")); err != nil || string(got) != "v1" {
		t.Errorf("restored data = %q, %v; want the snapshot-time content v1", got, err)
	}
	// Deleting the snapshot removes its files; a restore then finds nothing.
	if _, err := l.ctrl.DeleteSnapshot(ctx, &csi.DeleteSnapshotRequest{SnapshotId: sn.Snapshot.SnapshotId}); err != nil {
		t.Fatal(err)
	}
	if left, _ := filepath.Glob(filepath.Join(l.store.Root, "snapshots", sn.Snapshot.SnapshotId+"*")); len(left) > 0 {
		t.Errorf("DeleteSnapshot left files: %v", left)
	}
	if list, err := l.ctrl.ListSnapshots(ctx, &csi.ListSnapshotsRequest{SnapshotId: sn.Snapshot.SnapshotId}); err != nil || len(list.Entries) != 0 {
		t.Errorf("ListSnapshots after delete = %v, %v; want none", list, err)
	}
	if _, err := l.ctrl.DeleteSnapshot(ctx, &csi.DeleteSnapshotRequest{SnapshotId: sn.Snapshot.SnapshotId}); err != nil {
		t.Errorf("second DeleteSnapshot (idempotent): %v", err)
	}
	_, err = fromSnap("pvc-after-delete", 32*mi, "")
	wantCode(t, err, codes.NotFound, "restore from a deleted snapshot")
	for _, x := range []struct{ node, id, target string }{{"127.0.0.2", v.VolumeId, target}, {"127.0.0.3", r.Volume.VolumeId, rt}} {
		l.unpublish(t, x.node, x.id, x.target)
		if _, err := l.ctrl.DeleteVolume(ctx, &csi.DeleteVolumeRequest{VolumeId: x.id}); err != nil {
			t.Fatal(err)
		}
	}
}

func TestRegistration(t *testing.T) {
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	reg := filepath.Join(dir, "plugins_registry", Name+"-reg.sock")
	go func() {
		done <- ServeRegistration(ctx, reg, "/x/csi.sock", slog.New(slog.NewTextHandler(io.Discard, nil)))
	}()
	waitSocket(t, reg)
	conn, err := grpc.NewClient("unix://"+reg, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	c := registerapi.NewRegistrationClient(conn)
	info, err := c.GetInfo(ctx, &registerapi.InfoRequest{})
	if err != nil || info.Type != registerapi.CSIPlugin || info.Name != Name || info.Endpoint != "/x/csi.sock" || len(info.SupportedVersions) == 0 {
		t.Fatalf("GetInfo = %v, %v", info, err)
	}
	if _, err := c.NotifyRegistrationStatus(ctx, &registerapi.RegistrationStatus{PluginRegistered: true}); err != nil {
		t.Fatal(err)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(reg); !os.IsNotExist(err) {
		t.Errorf("registration socket left behind: %v", err)
	}
}
