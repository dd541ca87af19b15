package main

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
)

// Proc is a process the lab started, identified by PID and kernel start time
// (so a reused PID is never mistaken for it).
type Proc struct {
	PID       int      `json:"pid"`
	StartTime uint64   `json:"startTime"` // /proc/<pid>/stat field 22
	Bin       string   `json:"bin"`
	Args      []string `json:"args"`
	Log       string   `json:"log"`
	Started   string   `json:"started"`
}

// State is <state>/run/state.json: everything up changed on the host that
// down must undo.
type State struct {
	Procs    map[string]*Proc  `json:"procs"`
	Order    []string          `json:"order"`   // start order of Procs
	Sysctls  map[string]string `json:"sysctls"` // original values, restored by down
	Bridges  []string          `json:"bridges"`
	Cgroups  []string          `json:"cgroups"` // cgroup root dirs created (absolute)
	Netns    []string          `json:"netns"`   // network namespaces outside the state dir (none normally)
	Iptables []string          `json:"iptables"`
}

func statePath(c *Config) string { return filepath.Join(c.RunDir, "state.json") }

func loadState(c *Config) (*State, error) {
	s := &State{}
	data, err := os.ReadFile(statePath(c))
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	if err == nil {
		if err := json.Unmarshal(data, s); err != nil {
			return nil, err
		}
	}
	if s.Procs == nil {
		s.Procs = map[string]*Proc{}
	}
	if s.Sysctls == nil {
		s.Sysctls = map[string]string{}
	}
	return s, nil
}

func (s *State) save(c *Config) error {
	data, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return err
	}
	return writeFileAtomic(statePath(c), data, 0o644)
}

func appendUnique(list []string, v string) []string {
	for _, x := range list {
		if x == v {
			return list
		}
	}
	return append(list, v)
}

func (s *State) setProc(name string, p *Proc) {
	s.Procs[name] = p
	s.Order = appendUnique(s.Order, name)
}
