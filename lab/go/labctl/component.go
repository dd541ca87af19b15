package main

import (
	"fmt"
	"time"
)

// Component is one long-running host process of the lab.
type Component struct {
	Name         string   // unique; log <state>/logs/<Name>.log; key in run/state.json
	Bin          string   // binary name in <cache>/bin, or an absolute path
	Args         []string // command-line arguments
	Env          []string // "K=V" added to baseEnv()
	Version      string   // for status
	URL          string   // for status
	Prepare      func() error
	Ready        func() error
	ReadyTimeout time.Duration
	AfterReady   func() error // optional: runs after Ready on every up (e.g. image import)
}

// components is the one table of everything `up` starts, in start order.
func components(c *Config) []Component {
	cs := []Component{
		etcdComponent(c),
		apiserverComponent(c),
		controllerManagerComponent(c),
		schedulerComponent(c),
		corednsComponent(c),
	}
	for _, n := range c.Nodes {
		cs = append(cs, containerdComponent(c, n), kubeletComponent(c, n))
	}
	cs = append(cs, storageComponents(c)...)
	return cs
}

// ComponentError names the component that failed and carries its log tail.
type ComponentError struct {
	Name string
	Log  string
	Err  error
}

func (e *ComponentError) Error() string {
	return fmt.Sprintf("component %s failed: %v\n---- last lines of %s ----\n%s\n----", e.Name, e.Err, e.Log, tailFile(e.Log, 25))
}

// startedAt holds when this run (re)started each component.
var startedAt = map[string]time.Time{}

// ensure starts comp unless its recorded process is alive, then waits for
// it to be ready.
func ensure(c *Config, s *State, comp Component) error {
	logPath := c.logPath(comp.Name)
	fail := func(err error) error { return &ComponentError{Name: comp.Name, Log: logPath, Err: err} }
	p := s.Procs[comp.Name]
	start := time.Now()
	started := false
	if !p.alive() {
		if comp.Prepare != nil {
			if err := comp.Prepare(); err != nil {
				return fail(fmt.Errorf("prepare: %w", err))
			}
		}
		var err error
		p, err = startProc(c.Bin(comp.Bin), comp.Args, append(baseEnv(), comp.Env...), logPath)
		if err != nil {
			return fail(err)
		}
		s.setProc(comp.Name, p)
		startedAt[comp.Name] = time.Now()
		if err := s.save(c); err != nil {
			return err
		}
		started = true
	}
	if comp.Ready != nil {
		timeout := comp.ReadyTimeout
		if timeout == 0 {
			timeout = 60 * time.Second
		}
		deadline := time.Now().Add(timeout)
		for {
			if e := exitedEarly(p); e != nil {
				return fail(fmt.Errorf("process exited: %v", e))
			}
			err := comp.Ready()
			if err == nil {
				break
			}
			if time.Now().After(deadline) {
				return fail(fmt.Errorf("not ready after %s: %v", timeout, err))
			}
			time.Sleep(250 * time.Millisecond)
		}
	}
	if comp.AfterReady != nil {
		if err := comp.AfterReady(); err != nil {
			return fail(err)
		}
	}
	if started {
		logf("%-26s pid %-7d ready in %s", comp.Name, p.PID, since(start))
	} else {
		logf("%-26s pid %-7d already running", comp.Name, p.PID)
	}
	return nil
}
