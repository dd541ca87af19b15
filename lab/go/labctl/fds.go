package main

import (
	"os"
	"strconv"
	"syscall"
)

// markInheritedFdsCloseOnExec keeps the file descriptors labctl inherited
// (beyond stdin, stdout and stderr) out of the daemons it starts. Go passes
// only the files it is told to, but an fd inherited without FD_CLOEXEC (a
// caller's `flock 9`, say) would otherwise stay open in etcd, the kubelets
// and the rest for as long as the lab runs, holding the caller's lock.
func markInheritedFdsCloseOnExec() {
	entries, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		return
	}
	for _, e := range entries {
		fd, err := strconv.Atoi(e.Name())
		if err != nil || fd <= 2 {
			continue
		}
		syscall.CloseOnExec(fd)
	}
}
