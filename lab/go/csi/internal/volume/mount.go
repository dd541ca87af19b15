package volume

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// Runner runs an external command; tests may wrap it.
type Runner interface {
	Run(name string, args ...string) error
}

// ExecRunner runs commands with a timeout, logging each, and returns their
// output in the error.
type ExecRunner struct{ Log *slog.Logger }

// Run implements Runner.
func (r ExecRunner) Run(name string, args ...string) error {
	start := time.Now()
	cmd := exec.Command(name, args...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	var err error
	select {
	case err = <-done:
	case <-time.After(5 * time.Minute):
		cmd.Process.Kill()
		err = fmt.Errorf("timed out after 5m: %w", <-done)
	}
	if r.Log != nil {
		r.Log.Debug("exec", "cmd", name+" "+strings.Join(args, " "), "took", time.Since(start).Round(time.Millisecond), "err", err)
	}
	if err != nil {
		return &CmdError{Cmd: name + " " + strings.Join(args, " "), Output: strings.TrimSpace(out.String()), Err: err}
	}
	return nil
}

// CmdError is a failed external command with its output.
type CmdError struct {
	Cmd    string
	Output string
	Err    error
}

func (e *CmdError) Error() string { return fmt.Sprintf("%s: %v: %s", e.Cmd, e.Err, e.Output) }
func (e *CmdError) Unwrap() error { return e.Err }

// ExitCode is the exit status of a failed command (-1 when unknown).
func ExitCode(err error) int {
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.ExitCode()
	}
	return -1
}

// MountEntry is one line of /proc/self/mountinfo.
type MountEntry struct {
	Dev        string // major:minor
	Root       string // root of the mount inside its filesystem
	MountPoint string
	FsType     string
	Source     string
	Options    string
}

// ReadMountInfo parses /proc/self/mountinfo.
func ReadMountInfo() ([]MountEntry, error) {
	data, err := os.ReadFile("/proc/self/mountinfo")
	if err != nil {
		return nil, err
	}
	return parseMountInfo(string(data)), nil
}

func parseMountInfo(data string) []MountEntry {
	var out []MountEntry
	for _, line := range strings.Split(data, "\n") {
		f := strings.Fields(line)
		if len(f) < 10 {
			continue
		}
		sep := -1
		for i := 6; i < len(f); i++ {
			if f[i] == "-" {
				sep = i
				break
			}
		}
		if sep < 0 || sep+2 >= len(f) {
			continue
		}
		out = append(out, MountEntry{
			Dev: f[2], Root: unescape(f[3]), MountPoint: unescape(f[4]), Options: f[5],
			FsType: f[sep+1], Source: unescape(f[sep+2]),
		})
	}
	return out
}

func unescape(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+3 < len(s) {
			b.WriteByte((s[i+1]-'0')<<6 | (s[i+2]-'0')<<3 | (s[i+3] - '0'))
			i += 3
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// mountAt returns the topmost mount entry at path (nil when not a mount point).
func mountAt(path string) (*MountEntry, error) {
	ms, err := ReadMountInfo()
	if err != nil {
		return nil, err
	}
	path = filepath.Clean(path)
	var found *MountEntry
	for i := range ms {
		if ms[i].MountPoint == path {
			found = &ms[i]
		}
	}
	return found, nil
}

func isMountPoint(path string) (bool, error) {
	m, err := mountAt(path)
	return m != nil, err
}

// IsMountPoint reports whether path is a mount point.
func IsMountPoint(path string) (bool, error) { return isMountPoint(path) }

// LoopDevicesFor lists the loop devices whose backing file is img (also
// when img was deleted meanwhile), from /sys/block/loop*/loop/backing_file.
func LoopDevicesFor(img string) []string {
	var out []string
	for dev, file := range loopBackingFiles() {
		if file == img {
			out = append(out, dev)
		}
	}
	return out
}

// LoopDevicesUnder lists loop devices backed by files under dir.
func LoopDevicesUnder(dir string) map[string]string {
	out := map[string]string{}
	for dev, file := range loopBackingFiles() {
		if strings.HasPrefix(file, filepath.Clean(dir)+"/") {
			out[dev] = file
		}
	}
	return out
}

func loopBackingFiles() map[string]string {
	out := map[string]string{}
	dirs, _ := filepath.Glob("/sys/block/loop*")
	for _, d := range dirs {
		data, err := os.ReadFile(filepath.Join(d, "loop", "backing_file"))
		if err != nil {
			continue
		}
		f := strings.TrimSuffix(strings.TrimSpace(string(data)), " (deleted)")
		out["/dev/"+filepath.Base(d)] = f
	}
	return out
}

// recordMount appends one line to <state>/csi/mounts.log for every mount
// and unmount this driver makes, so a person (or lab down) can see exactly
// what storage mounted.
func (s *Store) recordMount(op, target, source string) {
	f, err := os.OpenFile(filepath.Join(s.Root, "mounts.log"), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o640)
	if err != nil {
		return
	}
	defer f.Close()
	fmt.Fprintf(f, "%s pid=%d %s %s %s\n", time.Now().UTC().Format(time.RFC3339Nano), os.Getpid(), op, target, source)
}

// EnsureMounted loop-mounts volume id at its staging path (once for the
// whole host) and returns that path. A filesystem smaller than its image
// (grown while unmounted by a crash between steps) is grown on the way.
func (s *Store) EnsureMounted(id string) (string, error) {
	unlock, err := s.lock(id)
	if err != nil {
		return "", err
	}
	defer unlock()
	return s.ensureMountedLocked(id)
}

func (s *Store) ensureMountedLocked(id string) (string, error) {
	v, err := s.Get(id)
	if err != nil {
		return "", err
	}
	staging := s.StagingPath(id)
	if m, err := mountAt(staging); err != nil {
		return "", err
	} else if m != nil {
		return staging, nil
	}
	if err := os.MkdirAll(staging, 0o750); err != nil {
		return "", err
	}
	img := s.ImagePath(id)
	// A leftover loop device (not mounted anywhere) would make mount(8)
	// refuse or reuse a stale size: drop it.
	for _, dev := range LoopDevicesFor(img) {
		if !devMountedAnywhere(dev) {
			s.Runner.Run("losetup", "-d", dev)
		}
	}
	start := time.Now()
	// "loop" makes mount(8) set up the loop device with autoclear: it is
	// detached as soon as the last mount of the filesystem goes away.
	// "discard" punches holes into the image when files are deleted.
	// xfs: "nouuid" because a restored snapshot or clone shares its source's
	// UUID and xfs refuses two mounted filesystems with one UUID.
	opts := "loop,discard,noatime"
	if v.FsType == "xfs" {
		opts += ",nouuid"
	}
	if err := s.Runner.Run("mount", "-t", v.FsType, "-o", opts, img, staging); err != nil {
		return "", err
	}
	s.recordMount("mount", staging, img)
	s.Log.Info("volume staged", "id", id, "path", staging, "loop", strings.Join(LoopDevicesFor(img), ","), "took", time.Since(start).Round(time.Millisecond))
	return staging, nil
}

func devMountedAnywhere(dev string) bool {
	ms, _ := ReadMountInfo()
	for _, m := range ms {
		if m.Source == dev {
			return true
		}
	}
	return false
}

// unmountStagingLocked unmounts the staging mount of id unless another mount
// of the same filesystem (a node's publish) still exists.
func (s *Store) unmountStagingLocked(id string) error {
	staging := s.StagingPath(id)
	m, err := mountAt(staging)
	if err != nil || m == nil {
		return err
	}
	ms, err := ReadMountInfo()
	if err != nil {
		return err
	}
	var users []string
	for _, o := range ms {
		if o.Dev == m.Dev && o.MountPoint != staging {
			users = append(users, o.MountPoint)
		}
	}
	if len(users) > 0 {
		return fmt.Errorf("%w: volume %s is still mounted at %s", ErrBusy, id, strings.Join(users, ", "))
	}
	if err := syscall.Unmount(staging, 0); err != nil {
		return fmt.Errorf("unmount %s: %w", staging, err)
	}
	s.recordMount("umount", staging, s.ImagePath(id))
	return nil
}

// UnmountStaging unmounts the staging mount of volume id (see Delete).
func (s *Store) UnmountStaging(id string) error {
	unlock, err := s.lock(id)
	if err != nil {
		return err
	}
	defer unlock()
	return s.unmountStagingLocked(id)
}

// Publish bind-mounts volume id at target (a kubelet's pod volume dir),
// read-only if asked, with extra mount flags applied on a remount.
func (s *Store) Publish(id, target string, readOnly bool, flags []string) error {
	unlock, err := s.lock(id)
	if err != nil {
		return err
	}
	defer unlock()
	staging, err := s.ensureMountedLocked(id)
	if err != nil {
		return err
	}
	sm, err := mountAt(staging)
	if err != nil {
		return err
	}
	if tm, err := mountAt(target); err != nil {
		return err
	} else if tm != nil {
		if sm != nil && tm.Dev == sm.Dev {
			return nil // already published
		}
		return fmt.Errorf("%w: %s is already a mount point of another filesystem (%s)", ErrBusy, target, tm.Source)
	}
	if err := os.MkdirAll(target, 0o750); err != nil {
		return err
	}
	if err := s.Runner.Run("mount", "--bind", staging, target); err != nil {
		return err
	}
	s.recordMount("mount", target, staging)
	var opts []string
	if readOnly {
		opts = append(opts, "ro")
	}
	opts = append(opts, flags...)
	if len(opts) > 0 {
		if err := s.Runner.Run("mount", "-o", "remount,bind,"+strings.Join(opts, ","), target); err != nil {
			syscall.Unmount(target, 0)
			s.recordMount("umount", target, staging)
			return err
		}
	}
	return nil
}

// Unpublish unmounts target (every stacked mount) and removes the directory.
func (s *Store) Unpublish(target string) error {
	for i := 0; i < 10; i++ {
		m, err := mountAt(target)
		if err != nil {
			return err
		}
		if m == nil {
			break
		}
		if err := syscall.Unmount(target, 0); err != nil {
			return fmt.Errorf("unmount %s: %w", target, err)
		}
		s.recordMount("umount", target, m.Source)
	}
	if err := os.Remove(target); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	return nil
}

// NodeExpand grows the mounted filesystem of volume id to its image size:
// the loop device re-reads the file size (losetup -c), then xfs_growfs (or
// resize2fs for ext4) grows the filesystem online. It returns the capacity.
func (s *Store) NodeExpand(id string) (int64, error) {
	unlock, err := s.lock(id)
	if err != nil {
		return 0, err
	}
	defer unlock()
	v, err := s.Get(id)
	if err != nil {
		return 0, err
	}
	staging, err := s.ensureMountedLocked(id)
	if err != nil {
		return 0, err
	}
	img := s.ImagePath(id)
	devs := LoopDevicesFor(img)
	if len(devs) == 0 {
		return 0, fmt.Errorf("volume %s is mounted but no loop device backs %s", id, img)
	}
	start := time.Now()
	for _, dev := range devs {
		if err := s.Runner.Run("losetup", "-c", dev); err != nil {
			return 0, err
		}
	}
	switch v.FsType {
	case "xfs":
		err = s.Runner.Run("xfs_growfs", staging)
	case "ext4":
		if !HaveCapSysResource() {
			return 0, fmt.Errorf("%w: growing a mounted ext4 filesystem needs CAP_SYS_RESOURCE, which this host's capability bounding set lacks; use an xfs StorageClass for online expansion (or expand while no pod uses the claim)", ErrPrecondition)
		}
		err = s.Runner.Run("resize2fs", devs[0])
	default:
		err = fmt.Errorf("%w: fsType %q", ErrInvalid, v.FsType)
	}
	if err != nil {
		return 0, err
	}
	s.Log.Info("filesystem expanded online", "id", id, "fs", v.FsType, "bytes", v.CapacityBytes, "loop", strings.Join(devs, ","), "took", time.Since(start).Round(time.Millisecond))
	return v.CapacityBytes, nil
}

// HaveCapSysResource reports whether this process may resize a mounted
// ext4 (the kernel checks CAP_SYS_RESOURCE; some VMs drop it for everyone).
func HaveCapSysResource() bool {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return false
	}
	for _, line := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, "CapEff:"); ok {
			var caps uint64
			fmt.Sscanf(strings.TrimSpace(v), "%x", &caps)
			return caps&(1<<24) != 0
		}
	}
	return false
}

// Cleanup unmounts every mount under the store root (deepest first) and
// detaches every loop device backed by a file under it. For `lab down`
// after the kubelets' own mounts are gone; returns what it could not undo.
func (s *Store) Cleanup() []string {
	var left []string
	for round := 0; round < 3; round++ {
		ms, _ := ReadMountInfo()
		var mps []string
		for _, m := range ms {
			if strings.HasPrefix(m.MountPoint, s.Root+"/") {
				mps = append(mps, m.MountPoint)
			}
		}
		if len(mps) == 0 {
			break
		}
		// deepest first
		for i := 0; i < len(mps); i++ {
			for j := i + 1; j < len(mps); j++ {
				if strings.Count(mps[j], "/") > strings.Count(mps[i], "/") {
					mps[i], mps[j] = mps[j], mps[i]
				}
			}
		}
		for _, mp := range mps {
			flags := 0
			if round == 2 {
				flags = syscall.MNT_DETACH
			}
			if err := syscall.Unmount(mp, flags); err == nil {
				s.recordMount("umount", mp, "cleanup")
			}
		}
	}
	ms, _ := ReadMountInfo()
	for _, m := range ms {
		if strings.HasPrefix(m.MountPoint, s.Root+"/") {
			left = append(left, "mount "+m.MountPoint)
		}
	}
	for dev := range LoopDevicesUnder(s.Root) {
		s.Runner.Run("losetup", "-d", dev)
	}
	// losetup -d on a device still referenced only marks it for autoclear;
	// report the ones that stay.
	for i := 0; i < 10 && len(LoopDevicesUnder(s.Root)) > 0; i++ {
		time.Sleep(100 * time.Millisecond)
	}
	for dev, file := range LoopDevicesUnder(s.Root) {
		left = append(left, fmt.Sprintf("loop %s still backed by %s", dev, file))
	}
	return left
}
