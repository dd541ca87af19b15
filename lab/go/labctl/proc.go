package main

import (
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// procStart returns the start time (field 22 of /proc/<pid>/stat) and
// whether the process exists and is not a zombie.
func procStart(pid int) (uint64, bool) {
	if pid <= 0 {
		return 0, false
	}
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, false
	}
	s := string(data)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return 0, false
	}
	f := strings.Fields(s[i+1:])
	if len(f) < 20 || f[0] == "Z" || f[0] == "X" {
		return 0, false
	}
	st, _ := strconv.ParseUint(f[19], 10, 64)
	return st, true
}

// alive reports whether the recorded process still runs (same PID, same start).
func (p *Proc) alive() bool {
	if p == nil {
		return false
	}
	st, ok := procStart(p.PID)
	return ok && st == p.StartTime
}

// exited collects the exit status of children started by this labctl run.
var exited = map[int]chan error{}

// startProc starts a detached process (own session) logging to logPath.
func startProc(bin string, args, env []string, logPath string) (*Proc, error) {
	lf, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, err
	}
	defer lf.Close()
	fmt.Fprintf(lf, "\n==== %s lab: starting %s %s\n", time.Now().Format(time.RFC3339), bin, strings.Join(args, " "))
	cmd := exec.Command(bin, args...)
	cmd.Env = env
	cmd.Stdout, cmd.Stderr = lf, lf
	cmd.Dir = "/"
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	pid := cmd.Process.Pid
	ch := make(chan error, 1)
	exited[pid] = ch
	go func() { ch <- cmd.Wait() }()
	st, _ := procStart(pid)
	return &Proc{PID: pid, StartTime: st, Bin: bin, Args: args, Log: logPath, Started: time.Now().Format(time.RFC3339)}, nil
}

// exitedEarly reports a child of this run that already exited.
func exitedEarly(p *Proc) error {
	ch, ok := exited[p.PID]
	if !ok {
		if !p.alive() {
			return fmt.Errorf("process %d is gone", p.PID)
		}
		return nil
	}
	select {
	case err := <-ch:
		ch <- err
		if err == nil {
			return fmt.Errorf("exited with status 0")
		}
		return err
	default:
		return nil
	}
}

// stopProc sends SIGTERM, waits up to grace, then SIGKILL. Only the recorded
// process (same PID and start time) is ever signalled.
func stopProc(p *Proc, grace time.Duration) {
	if !p.alive() {
		return
	}
	_ = syscall.Kill(p.PID, syscall.SIGTERM)
	deadline := time.Now().Add(grace)
	for time.Now().Before(deadline) {
		if !p.alive() {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	if p.alive() {
		_ = syscall.Kill(p.PID, syscall.SIGKILL)
		for i := 0; i < 50 && p.alive(); i++ {
			time.Sleep(100 * time.Millisecond)
		}
	}
}

// killPID sends SIGKILL to pid if it still has the given start time.
func killPID(pid int, start uint64) {
	if st, ok := procStart(pid); ok && st == start {
		_ = syscall.Kill(pid, syscall.SIGKILL)
	}
}

func baseEnv() []string {
	home, _ := os.UserHomeDir()
	return []string{
		"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
		"HOME=" + home,
		"LANG=C.UTF-8",
	}
}
