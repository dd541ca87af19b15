package main

import (
	"crypto/sha256"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
)

// debPin is one package as apt resolved it: the exact version that will be
// extracted and the checksum the package index gives for its .deb.
type debPin struct {
	Name    string // package name
	Version string // e.g. 15.20-0+deb12u1
	File    string // the .deb file name apt-get download writes
	Size    int64
	SHA256  string // hex, from the package index
	URI     string
}

func (p debPin) String() string { return p.Name + "=" + p.Version + " sha256:" + p.SHA256 }

// depGroup is one Depends/PreDepends line of a package: alternatives in
// order ("a | b"); each alternative lists the packages that satisfy it (the
// name itself when it is a real package, its providers when virtual).
type depGroup [][]string

// parseAptDepends reads `apt-cache depends` output (several packages):
// package -> its dependency groups. Alternatives come as "|Depends: a"
// lines followed by the last one without the bar; a virtual package
// "<v>" is followed by its providers, indented by four spaces; a real
// package may also be followed by other providers, which are ignored.
func parseAptDepends(out string) map[string][]depGroup {
	deps := map[string][]depGroup{}
	var pkg string
	var group depGroup
	open := false // the current group ends at a line without "|"
	for _, raw := range strings.Split(out, "\n") {
		line := strings.TrimRight(raw, " \t\r")
		switch {
		case line == "":
			continue
		case !strings.HasPrefix(line, " "):
			pkg = strings.TrimSpace(line)
			if strings.HasPrefix(pkg, "<") {
				pkg = "" // a virtual package asked for directly: nothing to install
			}
			open = false
		case strings.HasPrefix(line, "    "):
			// Providers of the last alternative (used only when it is virtual).
			if pkg == "" || len(deps[pkg]) == 0 {
				continue
			}
			gs := deps[pkg]
			g := gs[len(gs)-1]
			alt := g[len(g)-1]
			if len(alt) > 0 && strings.HasPrefix(alt[0], "<") {
				g[len(g)-1] = append(alt, stripArch(strings.TrimSpace(line)))
			}
		default:
			if pkg == "" {
				continue
			}
			t := strings.TrimSpace(line)
			bar := strings.HasPrefix(t, "|")
			t = strings.TrimPrefix(t, "|")
			kind, name, ok := strings.Cut(t, ": ")
			if !ok || (kind != "Depends" && kind != "PreDepends") {
				continue
			}
			name = strings.TrimSpace(name)
			if !strings.HasPrefix(name, "<") {
				name = stripArch(name)
			}
			if open {
				gs := deps[pkg]
				gs[len(gs)-1] = append(gs[len(gs)-1], []string{name})
			} else {
				group = depGroup{{name}}
				deps[pkg] = append(deps[pkg], group)
			}
			open = bar
		}
	}
	return deps
}

func stripArch(name string) string {
	n, _, _ := strings.Cut(name, ":")
	return n
}

// chooseAlternative picks the package that satisfies one dependency group:
// the first alternative that is not excluded (a virtual one through its
// first provider that is not excluded). "" when every choice is excluded:
// the dependency is left out on purpose.
func chooseAlternative(g depGroup, excluded map[string]bool) string {
	for _, alt := range g {
		if len(alt) == 0 {
			continue
		}
		if !strings.HasPrefix(alt[0], "<") {
			if !excluded[alt[0]] {
				return alt[0]
			}
			continue
		}
		for _, provider := range alt[1:] {
			if !excluded[provider] {
				return provider
			}
		}
	}
	return ""
}

// debClosureExcluding walks the Depends/PreDepends of roots level by level,
// one apt-cache call per level, taking one alternative per dependency and
// never entering an excluded package (nor what only it needs). Roots may
// carry "=version"; the result is sorted and keeps those pins.
func debClosureExcluding(roots, exclude []string, dependsOf func(names []string) (string, error)) ([]string, error) {
	excluded := map[string]bool{}
	for _, e := range exclude {
		excluded[e] = true
	}
	pinned := map[string]string{}
	seen := map[string]bool{}
	var level []string
	for _, r := range roots {
		n, _, _ := strings.Cut(r, "=")
		pinned[n] = r
		if excluded[n] {
			return nil, fmt.Errorf("package %s is both asked for and excluded", n)
		}
		if !seen[n] {
			seen[n] = true
			level = append(level, n)
		}
	}
	for len(level) > 0 {
		out, err := dependsOf(level)
		if err != nil {
			return nil, err
		}
		deps := parseAptDepends(out)
		var next []string
		for _, p := range level {
			for _, g := range deps[p] {
				c := chooseAlternative(g, excluded)
				if c != "" && !seen[c] {
					seen[c] = true
					next = append(next, c)
				}
			}
		}
		sort.Strings(next)
		level = next
	}
	var pkgs []string
	for n := range seen {
		if p, ok := pinned[n]; ok {
			pkgs = append(pkgs, p)
		} else {
			pkgs = append(pkgs, n)
		}
	}
	sort.Strings(pkgs)
	return pkgs, nil
}

// aptDependsOf runs apt-cache depends for the closure walk.
func aptDependsOf(names []string) (string, error) {
	args := append([]string{"depends", "--no-recommends", "--no-suggests", "--no-conflicts",
		"--no-breaks", "--no-replaces", "--no-enhances"}, names...)
	return run(120*time.Second, "apt-cache", args...)
}

// parsePrintURIs reads `apt-get download --print-uris` lines:
// 'URI' FILE SIZE SHA256:HEX. The version is the file name's second field
// (apt writes an epoch's colon as %3a there).
func parsePrintURIs(out string) ([]debPin, error) {
	var pins []debPin
	for _, line := range strings.Split(out, "\n") {
		line = strings.TrimSpace(line)
		if !strings.HasPrefix(line, "'") {
			continue
		}
		f := strings.Fields(line)
		if len(f) < 4 || !strings.HasPrefix(f[3], "SHA256:") {
			return nil, fmt.Errorf("apt-get --print-uris: cannot read %q (want 'URI' FILE SIZE SHA256:HEX)", line)
		}
		size, err := strconv.ParseInt(f[2], 10, 64)
		if err != nil {
			return nil, fmt.Errorf("apt-get --print-uris: bad size in %q", line)
		}
		parts := strings.Split(strings.TrimSuffix(f[1], ".deb"), "_")
		if len(parts) != 3 {
			return nil, fmt.Errorf("apt-get --print-uris: file name %q is not NAME_VERSION_ARCH.deb", f[1])
		}
		pins = append(pins, debPin{
			Name:    parts[0],
			Version: strings.ReplaceAll(parts[1], "%3a", ":"),
			File:    f[1],
			Size:    size,
			SHA256:  strings.ToLower(strings.TrimPrefix(f[3], "SHA256:")),
			URI:     strings.Trim(f[0], "'"),
		})
	}
	sort.Slice(pins, func(i, j int) bool { return pins[i].Name < pins[j].Name })
	return pins, nil
}

// resolveDebs asks apt which exact version and checksum each package
// resolves to (the candidate, or the pinned "=version"), from the local
// package index: nothing is downloaded.
func resolveDebs(pkgs []string) ([]debPin, error) {
	args := append([]string{"download", "--print-uris", "-q", "-o", "APT::Sandbox::User=root"}, pkgs...)
	out, err := run(120*time.Second, "apt-get", args...)
	if err != nil {
		return nil, err
	}
	pins, err := parsePrintURIs(out)
	if err != nil {
		return nil, err
	}
	if len(pins) != len(pkgs) {
		return nil, fmt.Errorf("apt resolved %d of %d packages (%s)", len(pins), len(pkgs), strings.Join(pkgs, " "))
	}
	return pins, nil
}

// downloadVerified fetches every pinned .deb into dir and checks each
// against the checksum and size of the package index. A mismatch is an
// error naming the package: nothing half-verified is extracted.
func downloadVerified(dir string, pins []debPin) ([]string, error) {
	args := []string{"download", "-q", "-o", "APT::Sandbox::User=root"}
	for _, p := range pins {
		args = append(args, p.Name+"="+p.Version)
	}
	if _, err := runIn(dir, 900*time.Second, "apt-get", args...); err != nil {
		return nil, fmt.Errorf("%w (a package the local index names may be gone from the mirror after an update: run apt-get update and build again)", err)
	}
	var files []string
	for _, p := range pins {
		path := filepath.Join(dir, p.File)
		if err := verifyPinned(path, p); err != nil {
			return nil, err
		}
		files = append(files, path)
	}
	return files, nil
}

// verifyPinned checks a downloaded .deb against its pin's checksum and size.
func verifyPinned(path string, p debPin) error {
	sum, size, err := sha256File(path)
	if err != nil {
		return fmt.Errorf("package %s: %v", p.Name, err)
	}
	if sum != p.SHA256 || size != p.Size {
		return fmt.Errorf("package %s %s: downloaded file has sha256 %s (%d bytes), the package index says %s (%d bytes)",
			p.Name, p.Version, sum, size, p.SHA256, p.Size)
	}
	return nil
}

func sha256File(path string) (string, int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", 0, err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return "", 0, err
	}
	return fmt.Sprintf("%x", h.Sum(nil)), n, nil
}
