package main

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// lockPath is the one lock all lab commands that change things share.
func lockPath() string {
	if p := os.Getenv("KDRILL_LAB_LOCK"); p != "" {
		return p
	}
	if fileExists("/run/lock") {
		return "/run/lock/kdrill-lab.lock"
	}
	return "/tmp/kdrill-lab.lock"
}

// acquireLock takes the exclusive lab lock, waiting up to wait for a
// concurrent lab command. The lock is released when the process exits.
func acquireLock(wait time.Duration) error {
	p := lockPath()
	f, err := os.OpenFile(p, os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return fmt.Errorf("lock %s: %w", p, err)
	}
	deadline := time.Now().Add(wait)
	announced := false
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if err == nil {
			break
		}
		if err != syscall.EWOULDBLOCK {
			return fmt.Errorf("lock %s: %w", p, err)
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("another lab command still holds %s after %s (%s)", p, wait, lockHolder(f))
		}
		if !announced {
			logf("waiting for another lab command to finish (%s)", lockHolder(f))
			announced = true
		}
		time.Sleep(500 * time.Millisecond)
	}
	f.Truncate(0)
	f.WriteAt([]byte(fmt.Sprintf("%d %s\n", os.Getpid(), strings.Join(os.Args, " "))), 0)
	// f stays open (and locked) until exit.
	lockFile = f
	return nil
}

var lockFile *os.File

func lockHolder(f *os.File) string {
	buf := make([]byte, 256)
	n, _ := f.ReadAt(buf, 0)
	s := strings.TrimSpace(string(buf[:n]))
	if pid, err := strconv.Atoi(strings.Fields(s + " 0")[0]); err == nil && pid > 0 {
		return "held by pid " + s
	}
	return "holder unknown"
}
