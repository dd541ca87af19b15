// Package volume keeps the lab's volumes: sparse image files formatted xfs or
// ext4, loop-mounted once per volume at a staging mount that every node of the lab
// bind-mounts (both kubelets run on the same host).
//
// Layout under the CSI state dir (<state>/csi):
//
//	volumes/<id>.img     sparse image, size = provisioned capacity
//	volumes/<id>.json    metadata (written last: its presence commits the volume)
//	mounts/<id>/         staging mount (ext4 on a loop device, autoclear)
//	snapshots/<id>.img   sparse copy of a volume image (+ <id>.json)
//	locks/<id>.lock      flock serialising every change to one volume across
//	                     the controller and node processes
//	mounts.log           one line per mount/unmount this package made
//
// Every operation is idempotent, as CSI requires.
package volume

import (
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"syscall"
	"time"
)

const (
	MiB = int64(1) << 20
	GiB = int64(1) << 30

	// MinVolumeBytes is the smallest image made; ext4 with a journal needs
	// a few MiB of metadata.
	MinVolumeBytes = 16 * MiB
	// DefaultVolumeBytes is used when a request names no size.
	DefaultVolumeBytes = 1 * GiB

	LocalityShared = "shared"
	LocalityNode   = "node"
)

// Errors the gRPC layer maps to status codes.
var (
	ErrNotFound      = errors.New("not found")
	ErrAlreadyExists = errors.New("already exists with different parameters")
	ErrOutOfRange    = errors.New("size out of range")
	ErrNoSpace       = errors.New("not enough free space on the host")
	ErrBusy          = errors.New("in use")
	ErrInvalid       = errors.New("invalid argument")
	ErrPrecondition  = errors.New("not possible on this host")
)

// Volume is the metadata of one volume.
type Volume struct {
	ID            string            `json:"id"`
	Name          string            `json:"name"`
	CapacityBytes int64             `json:"capacityBytes"`
	Locality      string            `json:"locality"`       // shared | node
	Node          string            `json:"node,omitempty"` // node-local volumes: the node it lives on
	FsType        string            `json:"fsType"`
	SourceKind    string            `json:"sourceKind,omitempty"` // snapshot | volume
	SourceID      string            `json:"sourceId,omitempty"`
	Labels        map[string]string `json:"labels,omitempty"` // e.g. PVC namespace/name from the provisioner
	CreatedAt     time.Time         `json:"createdAt"`
}

// Snapshot is the metadata of one snapshot.
type Snapshot struct {
	ID             string            `json:"id"`
	Name           string            `json:"name"`
	SourceVolumeID string            `json:"sourceVolumeId"`
	SizeBytes      int64             `json:"sizeBytes"`
	FsType         string            `json:"fsType"`
	Labels         map[string]string `json:"labels,omitempty"` // e.g. VolumeSnapshot namespace/name from csi-snapshotter
	CreatedAt      time.Time         `json:"createdAt"`
}

// Store is the volume store rooted at the CSI state dir.
type Store struct {
	Root string
	// MaxVolumeBytes caps one volume (0 = no cap).
	MaxVolumeBytes int64
	// MinFreeBytes is kept free on the host filesystem holding Root: a
	// create or expand that could (once the sparse image fills) leave less is
	// refused.
	MinFreeBytes int64
	Log          *slog.Logger
	// Runner runs external commands (mkfs.ext4, mount, resize2fs, ...).
	Runner Runner
}

// New returns a store rooted at root, creating its directories.
func New(root string, log *slog.Logger) (*Store, error) {
	if !filepath.IsAbs(root) {
		return nil, fmt.Errorf("state dir %q must be absolute", root)
	}
	if log == nil {
		log = slog.Default()
	}
	s := &Store{Root: filepath.Clean(root), Log: log, Runner: ExecRunner{Log: log}, MaxVolumeBytes: 8 * GiB, MinFreeBytes: 2 * GiB}
	for _, d := range []string{s.volumesDir(), s.mountsDir(), s.snapshotsDir(), s.locksDir()} {
		if err := os.MkdirAll(d, 0o750); err != nil {
			return nil, err
		}
	}
	return s, nil
}

func (s *Store) volumesDir() string   { return filepath.Join(s.Root, "volumes") }
func (s *Store) mountsDir() string    { return filepath.Join(s.Root, "mounts") }
func (s *Store) snapshotsDir() string { return filepath.Join(s.Root, "snapshots") }
func (s *Store) locksDir() string     { return filepath.Join(s.Root, "locks") }

// ImagePath is the image file of volume id.
func (s *Store) ImagePath(id string) string { return filepath.Join(s.volumesDir(), id+".img") }
func (s *Store) metaPath(id string) string  { return filepath.Join(s.volumesDir(), id+".json") }

// StagingPath is where volume id is loop-mounted on the host.
func (s *Store) StagingPath(id string) string { return filepath.Join(s.mountsDir(), id) }

func (s *Store) snapImagePath(id string) string { return filepath.Join(s.snapshotsDir(), id+".img") }
func (s *Store) snapMetaPath(id string) string  { return filepath.Join(s.snapshotsDir(), id+".json") }

var safeID = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]{0,62}$`)

// IDFor derives the volume (or snapshot) ID from a CSI name: the name itself
// when it is a safe file name (the provisioner's "pvc-<uid>"), else a hash.
func IDFor(prefix, name string) string {
	if safeID.MatchString(name) && !strings.Contains(name, "..") {
		return name
	}
	sum := sha256.Sum256([]byte(name))
	return fmt.Sprintf("%s-%x", prefix, sum[:12])
}

// ValidID reports whether id can name a file of the store.
func ValidID(id string) bool {
	return safeID.MatchString(id) && !strings.Contains(id, "..")
}

// RoundSize turns a CSI capacity range into the image size: required rounded
// up to MiB (at least MinVolumeBytes; DefaultVolumeBytes when neither bound
// is given), checked against limit and the store's cap.
func (s *Store) RoundSize(required, limit int64) (int64, error) {
	size := required
	if size <= 0 {
		size = DefaultVolumeBytes
		if limit > 0 && limit < size {
			size = limit
		}
		if s.MaxVolumeBytes > 0 && s.MaxVolumeBytes < size {
			size = s.MaxVolumeBytes
		}
	}
	if size < MinVolumeBytes {
		size = MinVolumeBytes
	}
	size = (size + MiB - 1) / MiB * MiB
	if limit > 0 && size > limit {
		return 0, fmt.Errorf("%w: the smallest volume is %d bytes (MiB-aligned, >= %d), the limit is %d", ErrOutOfRange, size, MinVolumeBytes, limit)
	}
	if s.MaxVolumeBytes > 0 && size > s.MaxVolumeBytes {
		return 0, fmt.Errorf("%w: %d bytes requested, the lab caps a volume at %d", ErrOutOfRange, size, s.MaxVolumeBytes)
	}
	return size, nil
}

// checkHostSpace refuses to promise grow more bytes than the host can
// spare above MinFreeBytes.
func (s *Store) checkHostSpace(grow int64) error {
	if grow <= 0 || s.MinFreeBytes <= 0 {
		return nil
	}
	var st syscall.Statfs_t
	if err := syscall.Statfs(s.Root, &st); err != nil {
		return err
	}
	free := int64(st.Bavail) * int64(st.Bsize)
	if free-grow < s.MinFreeBytes {
		return fmt.Errorf("%w: %d bytes more would leave %d free on the host filesystem of %s (keeping at least %d)", ErrNoSpace, grow, free-grow, s.Root, s.MinFreeBytes)
	}
	return nil
}

// lock takes the exclusive lock of one object (volume or snapshot id).
func (s *Store) lock(id string) (func(), error) {
	f, err := os.OpenFile(filepath.Join(s.locksDir(), id+".lock"), os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		f.Close()
		return nil, err
	}
	return func() {
		syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}, nil
}

func writeJSON(path string, v any) error {
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	tmp := path + ".tmp"
	f, err := os.OpenFile(tmp, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o640)
	if err != nil {
		return err
	}
	if _, err := f.Write(append(data, '\n')); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// Get returns the metadata of volume id (ErrNotFound when absent).
func (s *Store) Get(id string) (*Volume, error) {
	if !ValidID(id) {
		return nil, fmt.Errorf("%w: volume %q", ErrNotFound, id)
	}
	data, err := os.ReadFile(s.metaPath(id))
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("%w: volume %q", ErrNotFound, id)
	}
	if err != nil {
		return nil, err
	}
	var v Volume
	if err := json.Unmarshal(data, &v); err != nil {
		return nil, fmt.Errorf("volume %q: bad metadata %s: %v", id, s.metaPath(id), err)
	}
	return &v, nil
}

// List returns every volume, sorted by ID.
func (s *Store) List() ([]*Volume, error) {
	files, err := filepath.Glob(filepath.Join(s.volumesDir(), "*.json"))
	if err != nil {
		return nil, err
	}
	var out []*Volume
	for _, f := range files {
		v, err := s.Get(strings.TrimSuffix(filepath.Base(f), ".json"))
		if err != nil {
			continue
		}
		out = append(out, v)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

// CreateRequest describes a new volume.
type CreateRequest struct {
	Name       string
	Size       int64 // already rounded (RoundSize)
	Locality   string
	Node       string // node-local only
	SourceKind string // "", "snapshot", "volume"
	SourceID   string
	FsType     string // ext4 | xfs
	Labels     map[string]string
}

// Create makes (or finds, for a repeated request) the volume of req.Name.
func (s *Store) Create(req CreateRequest) (*Volume, error) {
	id := IDFor("vol", req.Name)
	switch req.Locality {
	case LocalityShared:
		if req.Node != "" {
			return nil, fmt.Errorf("%w: shared volume with a node", ErrInvalid)
		}
	case LocalityNode:
		if req.Node == "" {
			return nil, fmt.Errorf("%w: node-local volume without a node", ErrInvalid)
		}
	default:
		return nil, fmt.Errorf("%w: locality %q (want %s or %s)", ErrInvalid, req.Locality, LocalityShared, LocalityNode)
	}
	if !SupportedFs(req.FsType) {
		return nil, fmt.Errorf("%w: fsType %q (want ext4 or xfs)", ErrInvalid, req.FsType)
	}
	unlock, err := s.lock(id)
	if err != nil {
		return nil, err
	}
	defer unlock()
	if v, err := s.Get(id); err == nil {
		if v.Name != req.Name || v.CapacityBytes < req.Size || v.Locality != req.Locality || v.FsType != req.FsType ||
			v.SourceKind != req.SourceKind || v.SourceID != req.SourceID {
			return nil, fmt.Errorf("%w: volume %q exists (%d bytes, %s, %s %s, source %s/%s)", ErrAlreadyExists, req.Name, v.CapacityBytes, v.FsType, v.Locality, v.Node, v.SourceKind, v.SourceID)
		}
		return v, nil
	} else if !errors.Is(err, ErrNotFound) {
		return nil, err
	}
	if err := s.checkHostSpace(req.Size); err != nil {
		return nil, err
	}
	img := s.ImagePath(id)
	tmp := img + ".tmp"
	os.Remove(tmp)
	start := time.Now()
	switch req.SourceKind {
	case "":
		if err := makeSparse(tmp, req.Size); err != nil {
			return nil, err
		}
		if err := s.mkfs(tmp, req.FsType); err != nil {
			os.Remove(tmp)
			return nil, err
		}
	case "snapshot", "volume":
		if err := s.copyFromSource(req.SourceKind, req.SourceID, tmp, req.Size, req.FsType); err != nil {
			os.Remove(tmp)
			return nil, err
		}
	default:
		return nil, fmt.Errorf("%w: source kind %q", ErrInvalid, req.SourceKind)
	}
	if err := os.Rename(tmp, img); err != nil {
		os.Remove(tmp)
		return nil, err
	}
	v := &Volume{
		ID: id, Name: req.Name, CapacityBytes: req.Size, Locality: req.Locality, Node: req.Node,
		FsType: req.FsType, SourceKind: req.SourceKind, SourceID: req.SourceID, Labels: req.Labels,
		CreatedAt: time.Now().UTC(),
	}
	if err := writeJSON(s.metaPath(id), v); err != nil {
		os.Remove(img)
		return nil, err
	}
	s.Log.Info("volume created", "id", id, "bytes", req.Size, "locality", req.Locality, "node", req.Node,
		"source", req.SourceKind+"/"+req.SourceID, "took", time.Since(start).Round(time.Millisecond))
	return v, nil
}

// copyFromSource fills dst with a sparse copy of a snapshot or volume image,
// grown to size (the filesystem too).
func (s *Store) copyFromSource(kind, id, dst string, size int64, fs string) error {
	var srcSize int64
	switch kind {
	case "snapshot":
		// The snapshot's lock keeps a concurrent DeleteSnapshot from
		// removing the image while it is copied.
		unlock, err := s.lock("snap-" + id)
		if err != nil {
			return err
		}
		defer unlock()
		sn, err := s.GetSnapshot(id)
		if err != nil {
			return err
		}
		if sn.FsType != fs {
			return fmt.Errorf("%w: snapshot %q holds %s, the new volume wants %s", ErrInvalid, id, sn.FsType, fs)
		}
		srcSize = sn.SizeBytes
		// Checked before copying: a restore may be as big as the snapshot's
		// restoreSize or bigger, never smaller (the filesystem would not fit).
		if size < srcSize {
			return fmt.Errorf("%w: snapshot %q has a restore size of %d bytes, more than the %d requested", ErrOutOfRange, id, srcSize, size)
		}
		if err := s.Runner.Run("cp", "--sparse=always", "--reflink=auto", s.snapImagePath(id), dst); err != nil {
			return err
		}
	case "volume":
		v, err := s.Get(id)
		if err != nil {
			return err
		}
		if v.FsType != fs {
			return fmt.Errorf("%w: volume %q holds %s, the new volume wants %s", ErrInvalid, id, v.FsType, fs)
		}
		srcSize = v.CapacityBytes
		if size < srcSize {
			return fmt.Errorf("%w: source volume %q has %d bytes, more than the %d requested", ErrOutOfRange, id, srcSize, size)
		}
		unlock, err := s.lock(id)
		if err != nil {
			return err
		}
		err = s.copyConsistent(id, dst)
		unlock()
		if err != nil {
			return err
		}
	}
	if size > srcSize {
		if err := os.Truncate(dst, size); err != nil {
			return err
		}
		if err := s.growUnmounted(dst, fs); err != nil {
			return err
		}
	}
	return nil
}

// copyConsistent copies the image of volume id (lock held) to dst, freezing
// its filesystem meanwhile when it is mounted.
func (s *Store) copyConsistent(id, dst string) error {
	if mounted, _ := isMountPoint(s.StagingPath(id)); mounted {
		if err := s.Runner.Run("fsfreeze", "--freeze", s.StagingPath(id)); err != nil {
			return err
		}
		defer s.Runner.Run("fsfreeze", "--unfreeze", s.StagingPath(id))
	}
	return s.Runner.Run("cp", "--sparse=always", "--reflink=auto", s.ImagePath(id), dst)
}

func makeSparse(path string, size int64) error {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	if err := f.Truncate(size); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// SupportedFs reports whether the driver formats and grows fs.
func SupportedFs(fs string) bool { return fs == "ext4" || fs == "xfs" }

// mkfs formats an image file. ext4: 4 KiB blocks, no reserved blocks (the
// capacity is what the claim asked for), inode tables written now (no lazy
// init thread writing into the image later). xfs: mkfs.xfs refuses
// filesystems under 300 MB unless it runs under fstests; lab volumes are
// small on purpose, so it is told it does (the kernel mounts them fine).
func (s *Store) mkfs(img, fs string) error {
	switch fs {
	case "ext4":
		return s.Runner.Run("mkfs.ext4", "-F", "-q", "-b", "4096", "-m", "0",
			"-E", "nodiscard,lazy_itable_init=0,lazy_journal_init=0", img)
	case "xfs":
		return s.Runner.Run("env", "TEST_DIR="+s.Root, "TEST_DEV="+img, "QA_CHECK_FS=xfs",
			"mkfs.xfs", "-f", "-q", "-K", img)
	}
	return fmt.Errorf("%w: fsType %q", ErrInvalid, fs)
}

// growUnmounted grows the filesystem of an image nobody has mounted to the
// file size: ext4 offline (e2fsck + resize2fs on the file), xfs (which only
// grows mounted) through a short private loop mount.
func (s *Store) growUnmounted(img, fs string) error {
	switch fs {
	case "ext4":
		// e2fsck exits 1 when it fixed something; resize2fs insists on a fresh check.
		if err := s.Runner.Run("e2fsck", "-f", "-p", img); err != nil && ExitCode(err) > 1 {
			return err
		}
		return s.Runner.Run("resize2fs", img)
	case "xfs":
		dir, err := os.MkdirTemp(s.mountsDir(), ".grow-")
		if err != nil {
			return err
		}
		defer os.Remove(dir)
		if err := s.Runner.Run("mount", "-t", "xfs", "-o", "loop,nouuid", img, dir); err != nil {
			return err
		}
		s.recordMount("mount", dir, img)
		gerr := s.Runner.Run("xfs_growfs", dir)
		if err := syscall.Unmount(dir, 0); err != nil {
			return fmt.Errorf("unmount %s: %w", dir, err)
		}
		s.recordMount("umount", dir, img)
		return gerr
	}
	return fmt.Errorf("%w: fsType %q", ErrInvalid, fs)
}

// Delete removes volume id: its staging mount (refused while a node still
// publishes it), loop devices, image and metadata.
func (s *Store) Delete(id string) error {
	if !ValidID(id) {
		return nil // never created by us: nothing to delete
	}
	unlock, err := s.lock(id)
	if err != nil {
		return err
	}
	defer unlock()
	if err := s.unmountStagingLocked(id); err != nil {
		return err
	}
	for _, dev := range LoopDevicesFor(s.ImagePath(id)) {
		s.Runner.Run("losetup", "-d", dev)
	}
	for _, p := range []string{s.metaPath(id), s.ImagePath(id), s.ImagePath(id) + ".tmp"} {
		if err := os.Remove(p); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
	}
	os.Remove(s.StagingPath(id))
	s.Log.Info("volume deleted", "id", id)
	return nil
}

// Expand grows volume id to at least size bytes. It returns the new capacity
// and whether a node must still grow the mounted filesystem (true while a
// pod's mount uses the volume; otherwise the image is grown here,
// filesystem included, after unmounting an unused staging mount).
func (s *Store) Expand(id string, size int64) (int64, bool, error) {
	unlock, err := s.lock(id)
	if err != nil {
		return 0, false, err
	}
	defer unlock()
	v, err := s.Get(id)
	if err != nil {
		return 0, false, err
	}
	mounted, err := isMountPoint(s.StagingPath(id))
	if err != nil {
		return 0, false, err
	}
	if size <= v.CapacityBytes {
		return v.CapacityBytes, mounted || len(LoopDevicesFor(s.ImagePath(id))) > 0, nil
	}
	if err := s.checkHostSpace(size - v.CapacityBytes); err != nil {
		return 0, false, err
	}
	img := s.ImagePath(id)
	if err := os.Truncate(img, size); err != nil {
		return 0, false, err
	}
	if mounted {
		// Staged but published nowhere (no pod uses it): unmount and grow
		// it here rather than leave the claim waiting for a pod.
		if err := s.unmountStagingLocked(id); err == nil {
			mounted = false
		} else if !errors.Is(err, ErrBusy) {
			return 0, false, err
		}
	}
	needNode := mounted || len(LoopDevicesFor(img)) > 0
	if !needNode {
		if err := s.growUnmounted(img, v.FsType); err != nil {
			return 0, false, err
		}
	}
	v.CapacityBytes = size
	if err := writeJSON(s.metaPath(id), v); err != nil {
		return 0, false, err
	}
	s.Log.Info("volume image expanded", "id", id, "bytes", size, "nodeExpansionRequired", needNode)
	return size, needNode, nil
}
