package main

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// cgroupHierarchies returns the mounted cgroup v1 hierarchies (and the
// hybrid cgroup2 one) under /sys/fs/cgroup.
func cgroupHierarchies() []string {
	data, err := os.ReadFile("/proc/self/mountinfo")
	if err != nil {
		return nil
	}
	var dirs []string
	for _, line := range strings.Split(string(data), "\n") {
		f := strings.Fields(line)
		sep := -1
		for i, x := range f {
			if x == "-" {
				sep = i
				break
			}
		}
		if sep < 0 || sep+1 >= len(f) || len(f) < 5 {
			continue
		}
		if fs := f[sep+1]; (fs == "cgroup" || fs == "cgroup2") && strings.HasPrefix(f[4], "/sys/fs/cgroup/") {
			dirs = append(dirs, f[4])
		}
	}
	sort.Strings(dirs)
	return dirs
}

// ensureCgroupRoot creates the kubelet's cgroupRoot in every v1 hierarchy
// (the kubelet requires it to exist); cpuset gets its parent's cpus/mems.
func ensureCgroupRoot(c *Config, s *State, n *Node) error {
	for _, h := range cgroupHierarchies() {
		d := filepath.Join(h, n.CgroupRoot)
		if err := os.MkdirAll(d, 0o755); err != nil {
			return fmt.Errorf("create cgroup %s: %w", d, err)
		}
		s.Cgroups = appendUnique(s.Cgroups, d)
		if filepath.Base(h) == "cpuset" {
			for _, f := range []string{"cpuset.cpus", "cpuset.mems"} {
				cur, _ := os.ReadFile(filepath.Join(d, f))
				if strings.TrimSpace(string(cur)) == "" {
					parent, _ := os.ReadFile(filepath.Join(h, f))
					if err := os.WriteFile(filepath.Join(d, f), parent, 0o644); err != nil {
						return fmt.Errorf("%s/%s: %w", d, f, err)
					}
				}
			}
		}
	}
	return s.save(c)
}

// cgroupPIDs lists every process in the cgroup tree rooted at dir.
func cgroupPIDs(dir string) []int {
	var pids []int
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || !d.IsDir() {
			return nil
		}
		data, err := os.ReadFile(filepath.Join(p, "cgroup.procs"))
		if err != nil {
			return nil
		}
		for _, l := range strings.Fields(string(data)) {
			if pid, err := strconv.Atoi(l); err == nil {
				pids = append(pids, pid)
			}
		}
		return nil
	})
	return pids
}

// killCgroupProcs SIGKILLs every process left in the lab's cgroups (pods whose
// shims are gone) until they are empty or the timeout passes.
func killCgroupProcs(dirs []string, timeout time.Duration) []int {
	deadline := time.Now().Add(timeout)
	seen := map[int]bool{}
	for {
		var left []int
		for _, d := range dirs {
			left = append(left, cgroupPIDs(d)...)
		}
		if len(left) == 0 || time.Now().After(deadline) {
			var killed []int
			for p := range seen {
				killed = append(killed, p)
			}
			sort.Ints(killed)
			return killed
		}
		// Thaw a frozen tree first, or SIGKILL is never delivered.
		for _, d := range dirs {
			if strings.Contains(d, "/freezer/") {
				filepath.WalkDir(d, func(p string, e os.DirEntry, err error) error {
					if err == nil && e.IsDir() {
						os.WriteFile(filepath.Join(p, "freezer.state"), []byte("THAWED"), 0o644)
					}
					return nil
				})
			}
		}
		for _, pid := range left {
			seen[pid] = true
			_ = syscall.Kill(pid, syscall.SIGKILL)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// removeCgroupTree removes dir and every cgroup below it, deepest first.
func removeCgroupTree(dir string) error {
	var dirs []string
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && d.IsDir() {
			dirs = append(dirs, p)
		}
		return nil
	})
	sort.Slice(dirs, func(i, j int) bool { return len(dirs[i]) > len(dirs[j]) })
	var last error
	for _, d := range dirs {
		for i := 0; i < 20; i++ {
			err := syscall.Rmdir(d)
			if err == nil || err == syscall.ENOENT {
				last = nil
				break
			}
			last = fmt.Errorf("rmdir %s: %w", d, err)
			time.Sleep(100 * time.Millisecond)
		}
	}
	return last
}
