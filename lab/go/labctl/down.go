package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// systemNamespaces are kept by down; every other namespace is a workload.
var systemNamespaces = map[string]bool{"default": true, "kube-system": true, "kube-public": true, "kube-node-lease": true}

// cmdDown stops the lab and undoes everything up changed on the host.
// Every step is best effort and idempotent: it works after kill -9 of any
// component and after a previous down.
func cmdDown(c *Config, args []string) error {
	keep := false
	for _, a := range args {
		switch a {
		case "--keep":
			keep = true
		default:
			return fmt.Errorf("down: unknown argument %q (usage: down [--keep])", a)
		}
	}
	start := time.Now()
	s, err := loadState(c)
	if err != nil {
		return err
	}
	var problems []string
	note := func(format string, a ...any) {
		msg := fmt.Sprintf(format, a...)
		problems = append(problems, msg)
		logf("warning: %s", msg)
	}

	// 1. Workloads go while the kubelets still run (volumes unmounted and
	//    detached by their owners).
	deleteWorkloads(c, s)
	if err := deleteFakeNodes(c, s); err != nil {
		if keep { // etcd's data stays, and the fake nodes in it
			note("%v", err)
		} else {
			logf("warning: %v (they go with the state wiped below)", err)
		}
	}

	// 2. Kubelets stop first so they do not restart what we kill next.
	comps := components(c)
	for _, n := range c.Nodes {
		stopComponent(s, "kubelet-"+n.Letter, 15*time.Second)
	}
	// 3. Containers: kill every task through each node's containerd.
	for _, n := range c.Nodes {
		if p := s.Procs["containerd-"+n.Letter]; p.alive() {
			killTasks(n)
		}
	}
	// 4. Every other component by recorded PID, in reverse start order.
	for i := len(comps) - 1; i >= 0; i-- {
		stopComponent(s, comps[i].Name, 10*time.Second)
	}
	for i := len(s.Order) - 1; i >= 0; i-- { // recorded but no longer in the table
		stopComponent(s, s.Order[i], 10*time.Second)
	}
	// 5. Shims of the lab's containerds (by their -address argument).
	for _, n := range c.Nodes {
		killShims(n)
	}
	// 6. Anything left in the lab's cgroups (containers whose shim died).
	//    The lab's cgroup roots are its own by name even if the record is lost.
	for _, n := range c.Nodes {
		for _, h := range cgroupHierarchies() {
			if d := filepath.Join(h, n.CgroupRoot); fileExists(d) {
				s.Cgroups = appendUnique(s.Cgroups, d)
			}
		}
		s.Bridges = appendUnique(s.Bridges, n.Bridge)
	}
	if killed := killCgroupProcs(s.Cgroups, 10*time.Second); len(killed) > 0 {
		logf("killed %d leftover processes in the lab cgroups", len(killed))
	}
	// 7. Mounts under the state dir, deepest first (pod volumes, rootfs,
	//    network namespaces, the kubelet root bind mounts).
	n, left := unmountAll(c.StateDir)
	if len(left) > 0 {
		note("mounts still present: %s", strings.Join(left, ", "))
	} else if n > 0 {
		logf("unmounted %d mounts under %s", n, c.StateDir)
	}
	// Storage leftovers (loop devices backed by files under <state>/csi).
	for _, p := range storageCleanup(c) {
		note("storage: %s", p)
	}
	// 8. Network namespaces outside the state dir (recorded), bridges,
	//    iptables chains, cgroups, sysctls.
	for _, ns := range s.Netns {
		if _, err := run(10*time.Second, "ip", "netns", "delete", ns); err != nil && fileExists("/run/netns/"+ns) {
			note("netns %s: %v", ns, err)
		}
	}
	s.Netns = nil
	for _, b := range s.Bridges {
		if err := deleteBridge(b); err != nil {
			note("%v", err)
		}
	}
	s.Bridges = nil
	for _, ch := range s.Iptables {
		table, chain, _ := strings.Cut(ch, ":")
		run(10*time.Second, "iptables", "-t", table, "-F", chain)
		run(10*time.Second, "iptables", "-t", table, "-X", chain)
	}
	s.Iptables = nil
	var keptCgroups []string
	for _, d := range s.Cgroups {
		if err := removeCgroupTree(d); err != nil {
			note("%v", err)
			keptCgroups = append(keptCgroups, d)
		}
	}
	s.Cgroups = keptCgroups
	for _, e := range restoreSysctls(s) {
		note("sysctl: %v", e)
	}
	s.Sysctls = map[string]string{}
	cleanHostLeftovers(c)
	s.Procs = map[string]*Proc{}
	s.Order = nil

	if keep || len(left) > 0 {
		if err := s.save(c); err != nil && !os.IsNotExist(err) {
			note("save state: %v", err)
		}
	}
	if !keep && len(left) == 0 {
		if err := os.RemoveAll(c.StateDir); err != nil {
			note("remove %s: %v", c.StateDir, err)
		}
	}
	if len(problems) > 0 {
		return fmt.Errorf("down finished with %d problem(s) after %s:\n  %s", len(problems), since(start), strings.Join(problems, "\n  "))
	}
	what := "removed"
	if keep {
		what = "kept"
	}
	logf("lab is down in %s (state dir %s %s)", since(start), c.StateDir, what)
	return nil
}

func stopComponent(s *State, name string, grace time.Duration) {
	p := s.Procs[name]
	if p == nil {
		return
	}
	if p.alive() {
		t := time.Now()
		stopProc(p, grace)
		logf("stopped %-26s pid %-7d in %s", name, p.PID, since(t))
	}
	delete(s.Procs, name)
}

// deleteWorkloads deletes non-system namespaces and the workloads in
// default, waiting (bounded) while the kubelets can still clean up.
func deleteWorkloads(c *Config, s *State) {
	if !s.Procs["kube-apiserver"].alive() || !fileExists(c.Bin("kubectl")) {
		return
	}
	kubeletsUp := false
	for _, n := range c.Nodes {
		kubeletsUp = kubeletsUp || s.Procs["kubelet-"+n.Letter].alive()
	}
	out, err := kubectl(c, 15*time.Second, "get", "namespaces", "-o", "name")
	if err != nil {
		logf("warning: cannot list namespaces: %v", err)
		return
	}
	var nss []string
	for _, l := range strings.Fields(out) {
		ns := strings.TrimPrefix(l, "namespace/")
		if !systemNamespaces[ns] {
			nss = append(nss, ns)
		}
	}
	t := time.Now()
	if len(nss) > 0 {
		logf("deleting workload namespaces: %s", strings.Join(nss, " "))
		kubectl(c, 30*time.Second, append([]string{"delete", "namespace", "--wait=false"}, nss...)...)
	}
	// Short grace: teardown need not wait for 30 s SIGTERM timeouts.
	for _, ns := range append([]string{"default"}, nss...) {
		if ns == "default" {
			kubectl(c, 30*time.Second, "delete", "statefulsets,deployments,replicasets,daemonsets,jobs", "--all", "-n", ns, "--wait=false")
		}
		kubectl(c, 30*time.Second, "delete", "pods", "--all", "-n", ns, "--grace-period=1", "--wait=false")
	}
	if !kubeletsUp {
		logf("kubelets are not running: workloads marked for deletion only")
		return
	}
	kubectl(c, 30*time.Second, "delete", "persistentvolumeclaims", "--all", "-n", "default", "--wait=false")
	var names []string
	for _, ns := range nss {
		names = append(names, "namespace/"+ns)
	}
	if len(names) > 0 {
		if _, err := kubectl(c, 100*time.Second, append([]string{"wait", "--for=delete", "--timeout=90s"}, names...)...); err != nil {
			logf("warning: namespaces not gone yet: %v", err)
		}
	}
	// PersistentVolumes released by the deleted claims are deleted by their
	// provisioner while it still runs; wait for those (bounded).
	poll(30*time.Second, time.Second, func() error {
		out, err := kubectl(c, 10*time.Second, "get", "pv", "-o",
			`jsonpath={range .items[?(@.spec.persistentVolumeReclaimPolicy=="Delete")]}{.metadata.name} {end}`)
		if err != nil || strings.TrimSpace(out) == "" {
			return nil
		}
		return fmt.Errorf("pvs remain: %s", out)
	})
	logf("workloads deleted in %s", since(t))
}

// killTasks SIGKILLs every task of a node's containerd (k8s.io namespace).
func killTasks(n *Node) {
	out, err := ctr(n, 15*time.Second, "tasks", "ls", "-q")
	if err != nil {
		return
	}
	ids := strings.Fields(out)
	for _, id := range ids {
		ctr(n, 10*time.Second, "tasks", "kill", "-a", "-s", "SIGKILL", id)
	}
	if len(ids) > 0 {
		logf("killed %d containerd tasks on node %s", len(ids), n.Name)
	}
}

// killShims kills the runc shims of a node's containerd and removes their
// sockets in /run/containerd/s. containerd 1.6 writes no shim.pid, so a shim
// is recognised by its command line: a containerd-shim whose -address is
// this node's own containerd socket (a path only the lab uses). Sockets come
// from the bundles (see shimSockets) and from shim-sockets.txt, where each
// containerd start records the bundles it may clean up without their sockets.
func killShims(n *Node) {
	killed := 0
	procs, _ := filepath.Glob("/proc/[0-9]*/cmdline")
	for _, f := range procs {
		data, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		args := strings.Split(strings.TrimRight(string(data), "\x00"), "\x00")
		if len(args) == 0 || !strings.HasPrefix(filepath.Base(args[0]), "containerd-shim") {
			continue
		}
		for i := 0; i+1 < len(args); i++ {
			if args[i] == "-address" && args[i+1] == n.ContainerdSock {
				pid, _ := strconv.Atoi(filepath.Base(filepath.Dir(f)))
				if st, ok := procStart(pid); ok {
					killPID(pid, st)
					killed++
				}
			}
		}
	}
	if killed > 0 {
		logf("killed %d containerd shims of node %s", killed, n.Name)
	}
	for _, sock := range recordedShimSockets(n) {
		if strings.HasPrefix(sock, "/run/containerd/s/") {
			os.Remove(sock)
		}
	}
}

// cleanHostLeftovers removes files the lab's processes leave outside the
// state dir: CNI result caches of the lab networks and /var/log/containers
// links into the lab's pod-log dirs.
func cleanHostLeftovers(c *Config) {
	for _, n := range c.Nodes {
		files, _ := filepath.Glob(filepath.Join("/var/lib/cni/results", n.NetName+"-*"))
		for _, f := range files {
			os.Remove(f)
		}
	}
	links, _ := filepath.Glob("/var/log/containers/*.log")
	for _, l := range links {
		if t, err := os.Readlink(l); err == nil && strings.HasPrefix(t, c.StateDir+"/") {
			os.Remove(l)
		}
	}
}
