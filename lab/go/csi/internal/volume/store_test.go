package volume

import (
	"errors"
	"os"
	"os/exec"
	"syscall"
	"testing"
)

func TestIDFor(t *testing.T) {
	if got := IDFor("vol", "pvc-0b8c1e3a-1111-2222-3333-444455556666"); got != "pvc-0b8c1e3a-1111-2222-3333-444455556666" {
		t.Errorf("provisioner name changed: %q", got)
	}
	for _, name := range []string{"Upper", "a/b", "../x", "", "x y"} {
		id := IDFor("vol", name)
		if !ValidID(id) || id == name {
			t.Errorf("IDFor(%q) = %q: want a hashed valid id", name, id)
		}
	}
	if IDFor("vol", "a/b") != IDFor("vol", "a/b") {
		t.Error("IDFor is not deterministic")
	}
}

func TestRoundSize(t *testing.T) {
	s := &Store{MaxVolumeBytes: GiB}
	cases := []struct {
		req, limit, want int64
		err              error
	}{
		{0, 0, GiB, nil},
		{0, 2 * GiB, GiB, nil},
		{0, 100 * MiB, 100 * MiB, nil},
		{1, 0, MinVolumeBytes, nil},
		{64 * MiB, 0, 64 * MiB, nil},
		{64*MiB + 1, 0, 65 * MiB, nil},
		{64*MiB + 1, 64*MiB + 10, 0, ErrOutOfRange},
		{2 * GiB, 0, 0, ErrOutOfRange},
	}
	for _, c := range cases {
		got, err := s.RoundSize(c.req, c.limit)
		if c.err != nil {
			if !errors.Is(err, c.err) {
				t.Errorf("RoundSize(%d,%d) err = %v, want %v", c.req, c.limit, err, c.err)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("RoundSize(%d,%d) = %d, %v; want %d", c.req, c.limit, got, err, c.want)
		}
	}
}

func TestParseMountInfo(t *testing.T) {
	data := `22 1 254:0 / / rw,relatime shared:1 - ext4 /dev/vda rw
801 22 7:3 / /var/lib/kdrill-lab/csi/mounts/pvc-1 rw,noatime shared:400 - ext4 /dev/loop3 rw,discard
802 22 7:3 / /var/lib/kdrill-lab/nodes/127.0.0.2/kubelet/pods/u/volumes/kubernetes.io~csi/pvc-1/mount rw,noatime - ext4 /dev/loop3 rw
803 22 0:50 / /tmp/with\040space rw - tmpfs tmpfs rw
`
	ms := parseMountInfo(data)
	if len(ms) != 4 {
		t.Fatalf("got %d entries", len(ms))
	}
	if ms[1].Dev != "7:3" || ms[1].Source != "/dev/loop3" || ms[1].FsType != "ext4" || ms[1].MountPoint != "/var/lib/kdrill-lab/csi/mounts/pvc-1" {
		t.Errorf("entry 1: %+v", ms[1])
	}
	if ms[3].MountPoint != "/tmp/with space" {
		t.Errorf("unescape: %q", ms[3].MountPoint)
	}
}

// needLoop skips tests that need root, loop devices and e2fsprogs.
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

// testStore is a store in a temp dir that is cleaned up (mounts and loop
// devices included) when the test ends, and checked to leave nothing.
func testStore(t *testing.T) *Store {
	t.Helper()
	needLoop(t)
	s, err := New(t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	s.MinFreeBytes = 0
	t.Cleanup(func() {
		if left := s.Cleanup(); len(left) > 0 {
			t.Errorf("cleanup left: %v", left)
		}
	})
	return s
}

func TestCreateExpandDeleteOffline(t *testing.T) {
	for _, fs := range []string{"xfs", "ext4"} {
		t.Run(fs, func(t *testing.T) {
			s := testStore(t)
			v, err := s.Create(CreateRequest{Name: "pvc-offline", Size: 32 * MiB, Locality: LocalityShared, FsType: fs})
			if err != nil {
				t.Fatal(err)
			}
			st, err := os.Stat(s.ImagePath(v.ID))
			if err != nil || st.Size() != 32*MiB {
				t.Fatalf("image: %v %v", st, err)
			}
			// Not mounted: the controller grows the filesystem itself.
			capacity, node, err := s.Expand(v.ID, 48*MiB)
			if err != nil || capacity != 48*MiB || node {
				t.Fatalf("Expand = %d, %v, %v; want 48Mi, false, nil", capacity, node, err)
			}
			if mounted, _ := IsMountPoint(s.StagingPath(v.ID)); mounted {
				t.Fatal("offline expansion left the volume mounted")
			}
			staging, err := s.EnsureMounted(v.ID)
			if err != nil {
				t.Fatal(err)
			}
			var sfs syscall.Statfs_t
			if err := syscall.Statfs(staging, &sfs); err != nil {
				t.Fatal(err)
			}
			if total := int64(sfs.Blocks) * sfs.Bsize; total < 40*MiB {
				t.Fatalf("filesystem is %d bytes after growing the image to 48Mi", total)
			}
			if err := s.UnmountStaging(v.ID); err != nil {
				t.Fatal(err)
			}
			if err := s.Delete(v.ID); err != nil {
				t.Fatal(err)
			}
			if err := s.Delete(v.ID); err != nil {
				t.Fatalf("second delete: %v", err)
			}
			if _, err := os.Stat(s.ImagePath(v.ID)); !os.IsNotExist(err) {
				t.Errorf("image still there: %v", err)
			}
			if loops := LoopDevicesUnder(s.Root); len(loops) > 0 {
				t.Errorf("loop devices left: %v", loops)
			}
		})
	}
}

// A staged volume that no pod publishes is grown by the controller itself
// (unmounted, grown, left unmounted), for both filesystems.
func TestExpandStagedUnpublished(t *testing.T) {
	for _, fs := range []string{"xfs", "ext4"} {
		t.Run(fs, func(t *testing.T) {
			s := testStore(t)
			v, err := s.Create(CreateRequest{Name: "pvc-staged", Size: 32 * MiB, Locality: LocalityShared, FsType: fs})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := s.EnsureMounted(v.ID); err != nil {
				t.Fatal(err)
			}
			capacity, node, err := s.Expand(v.ID, 64*MiB)
			if err != nil || capacity != 64*MiB || node {
				t.Fatalf("Expand = %d, %v, %v; want 64Mi, false, nil", capacity, node, err)
			}
			staging, err := s.EnsureMounted(v.ID)
			if err != nil {
				t.Fatal(err)
			}
			var sfs syscall.Statfs_t
			if err := syscall.Statfs(staging, &sfs); err != nil {
				t.Fatal(err)
			}
			if total := int64(sfs.Blocks) * sfs.Bsize; total < 56*MiB {
				t.Fatalf("filesystem is %d bytes after growing to 64Mi", total)
			}
			if err := s.Delete(v.ID); err != nil {
				t.Fatal(err)
			}
		})
	}
}
