package main

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// ImageSpec describes an image built without a registry: a rootfs made of
// extracted Debian packages and copied files, written as an OCI archive.
type ImageSpec struct {
	Name     string   `json:"name"`     // "localhost/busybox:lab"
	Debs     []string `json:"debs"`     // "pkg" or "pkg=version"
	WithDeps bool     `json:"withDeps"` // also extract the packages' dependency closure
	// Closure: resolve Debs' Depends closure one alternative at a time, never
	// entering Exclude; every package is pinned to the version and checksum
	// apt resolves (Resolved, part of the cache key) and verified on download.
	Closure      bool     `json:"closure,omitempty"`
	Exclude      []string `json:"exclude,omitempty"`
	Resolved     []string `json:"resolved,omitempty"` // "name=version sha256:hex", filled by resolveImage
	Users        []string `json:"users,omitempty"`    // "name:uid:gid:home" added to /etc/passwd and /etc/group
	Dirs         []string `json:"dirs,omitempty"`     // "path:uid:gid:mode" created and owned so in the layer
	User         string   `json:"user,omitempty"`     // the image's default user ("uid:gid")
	Prune        []string `json:"prune,omitempty"`    // rootfs paths removed after extraction (docs, translations)
	Files        []string `json:"files"`              // "SRC:DST" copied into the rootfs
	CSources     []string `json:"cSources"`           // "SRC.c:DST" compiled with gcc -static
	BusyboxLinks bool     `json:"busyboxLinks"`       // symlink every busybox applet in /bin
	Entrypoint   []string `json:"entrypoint"`
	Cmd          []string `json:"cmd"`
	Env          []string `json:"env"`
	WorkingDir   string   `json:"workingDir"`
}

// imageBuilderVersion changes when the builder's output format changes.
const imageBuilderVersion = "1"

// labImages are the images every node gets at up.
func labImages(c *Config) []ImageSpec {
	return []ImageSpec{
		{
			Name:       "localhost/pause:lab",
			CSources:   []string{filepath.Join(c.LabDir, "images", "pause.c") + ":/pause"},
			Entrypoint: []string{"/pause"},
		},
		{
			Name:         "localhost/busybox:lab",
			Debs:         []string{"busybox-static=" + c.Versions["BUSYBOX_STATIC_DEB"]},
			BusyboxLinks: true,
			Cmd:          []string{"sh"},
		},
	}
}

// imageKey hashes the spec and the content of every local input.
func imageKey(spec ImageSpec) (string, error) {
	h := sha256.New()
	js, _ := json.Marshal(spec)
	fmt.Fprintf(h, "builder=%s\n%s\n", imageBuilderVersion, js)
	for _, f := range append(append([]string{}, spec.Files...), spec.CSources...) {
		src, _, _ := strings.Cut(f, ":")
		data, err := os.ReadFile(src)
		if err != nil {
			return "", err
		}
		h.Write(data)
	}
	return fmt.Sprintf("%x", h.Sum(nil))[:12], nil
}

func imageFileName(name string) string {
	r := strings.NewReplacer("/", "_", ":", "_", "@", "_")
	return r.Replace(name)
}

// resolveImage pins a Closure spec's packages: the closure walk and apt's
// resolution (version, index checksum) from the local package index. A
// security update of one package changes Resolved, and so the cache key:
// the image is rebuilt with the new version instead of failing to fetch
// the old one.
func resolveImage(spec ImageSpec) (ImageSpec, []debPin, error) {
	if !spec.Closure {
		return spec, nil, nil
	}
	pkgs, err := debClosureExcluding(spec.Debs, spec.Exclude, aptDependsOf)
	if err != nil {
		return spec, nil, err
	}
	pins, err := resolveDebs(pkgs)
	if err != nil {
		return spec, nil, err
	}
	spec.Resolved = nil
	for _, p := range pins {
		spec.Resolved = append(spec.Resolved, p.String())
	}
	return spec, pins, nil
}

// imageArchive returns the cached OCI archive of spec, building it if needed.
func imageArchive(c *Config, spec ImageSpec) (string, error) {
	spec, pins, err := resolveImage(spec)
	if err != nil {
		return "", fmt.Errorf("image %s: %w", spec.Name, err)
	}
	key, err := imageKey(spec)
	if err != nil {
		return "", err
	}
	out := filepath.Join(c.ImagesDir, imageFileName(spec.Name)+"-"+key+".oci.tar")
	if fileExists(out) {
		return out, nil
	}
	// The same image built into another cache dir.
	if others, _ := filepath.Glob(filepath.Join(c.CacheRoot, "*", "images", filepath.Base(out))); len(others) > 0 {
		if mkdirs(c.ImagesDir) == nil && os.Link(others[0], out) == nil {
			return out, nil
		}
	}
	start := time.Now()
	logf("building image %s", spec.Name)
	if err := buildImage(c, spec, pins, out); err != nil {
		return "", fmt.Errorf("image %s: %w", spec.Name, err)
	}
	logf("built image %s in %s (%s)", spec.Name, since(start), out)
	return out, nil
}

// buildImage assembles the rootfs in a temporary dir and writes the archive.
func buildImage(c *Config, spec ImageSpec, pins []debPin, out string) error {
	tmp, err := os.MkdirTemp(c.CacheRoot, "image-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	rootfs := filepath.Join(tmp, "rootfs")
	if err := mkdirs(rootfs); err != nil {
		return err
	}
	if spec.Closure {
		if err := extractPinned(tmp, rootfs, pins); err != nil {
			return err
		}
		if err := writePackageList(rootfs, spec.Resolved); err != nil {
			return err
		}
	} else if len(spec.Debs) > 0 {
		if err := extractDebs(tmp, rootfs, spec.Debs, spec.WithDeps); err != nil {
			return err
		}
	}
	for _, f := range spec.CSources {
		src, dst, ok := strings.Cut(f, ":")
		if !ok {
			return fmt.Errorf("C source %q: want SRC:DST", f)
		}
		target := filepath.Join(rootfs, dst)
		if err := mkdirs(filepath.Dir(target)); err != nil {
			return err
		}
		if _, err := run(120*time.Second, "gcc", "-static", "-O2", "-s", "-Wall", "-o", target, src); err != nil {
			return err
		}
	}
	for _, f := range spec.Files {
		src, dst, ok := strings.Cut(f, ":")
		if !ok {
			return fmt.Errorf("file %q: want SRC:DST", f)
		}
		target := filepath.Join(rootfs, dst)
		if err := mkdirs(filepath.Dir(target)); err != nil {
			return err
		}
		if _, err := run(60*time.Second, "cp", "-a", src, target); err != nil {
			return err
		}
	}
	for _, p := range spec.Prune {
		if err := os.RemoveAll(filepath.Join(rootfs, filepath.Clean("/"+p))); err != nil {
			return err
		}
	}
	if spec.BusyboxLinks {
		if err := busyboxLinks(rootfs); err != nil {
			return err
		}
	}
	if err := baseFiles(rootfs, spec.Users); err != nil {
		return err
	}
	if err := makeOwnedDirs(rootfs, spec.Dirs); err != nil {
		return err
	}
	if err := mkdirs(filepath.Dir(out)); err != nil {
		return err
	}
	return writeOCIArchive(spec, rootfs, out)
}

// baseFiles adds what every image needs when the packages did not bring it.
// users ("name:uid:gid:home") get their own passwd and group lines after
// root and nobody.
func baseFiles(rootfs string, users []string) error {
	passwd := "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n"
	group := "root:x:0:\nnogroup:x:65534:\n"
	for _, u := range users {
		f := strings.Split(u, ":")
		if len(f) != 4 {
			return fmt.Errorf("user %q: want name:uid:gid:home", u)
		}
		passwd += fmt.Sprintf("%s:x:%s:%s:%s:%s:/bin/sh\n", f[0], f[1], f[2], f[0], f[3])
		group += fmt.Sprintf("%s:x:%s:\n", f[0], f[2])
	}
	files := map[string]string{
		"etc/passwd":   passwd,
		"etc/group":    group,
		"etc/hostname": "lab\n",
	}
	for p, content := range files {
		full := filepath.Join(rootfs, p)
		if fileExists(full) && (len(users) == 0 || p == "etc/hostname") {
			continue
		}
		if err := mkdirs(filepath.Dir(full)); err != nil {
			return err
		}
		if err := os.WriteFile(full, []byte(content), 0o644); err != nil {
			return err
		}
	}
	for _, d := range []string{"tmp", "root", "proc", "sys", "dev", "etc", "var/tmp"} {
		if err := mkdirs(filepath.Join(rootfs, d)); err != nil {
			return err
		}
	}
	os.Chmod(filepath.Join(rootfs, "tmp"), 0o1777)
	os.Chmod(filepath.Join(rootfs, "var/tmp"), 0o1777)
	return nil
}

// busyboxLinks links every applet of the image's busybox to /bin/busybox.
func busyboxLinks(rootfs string) error {
	bb := filepath.Join(rootfs, "bin", "busybox")
	out, err := run(30*time.Second, bb, "--list-full")
	if err != nil {
		return err
	}
	for _, applet := range strings.Fields(out) {
		link := filepath.Join(rootfs, applet)
		if _, err := os.Lstat(link); err == nil {
			continue
		}
		if err := mkdirs(filepath.Dir(link)); err != nil {
			return err
		}
		if err := os.Symlink("/bin/busybox", link); err != nil {
			return err
		}
	}
	return nil
}

// importImages imports every lab image into a node's containerd, skipping
// images already present with the same manifest digest.
func importImages(c *Config, n *Node) error {
	for _, spec := range labImages(c) {
		archive, err := imageArchive(c, spec)
		if err != nil {
			return err
		}
		if err := importImage(n, spec.Name, archive); err != nil {
			return err
		}
	}
	return nil
}

func importImage(n *Node, name, archive string) error {
	digest, err := archiveManifestDigest(archive)
	if err != nil {
		return err
	}
	out, err := ctr(n, 20*time.Second, "images", "ls", "name=="+name)
	if err == nil && strings.Contains(out, digest) {
		return nil
	}
	_, err = ctr(n, 120*time.Second, "images", "import", archive)
	return err
}

// extractPinned downloads the resolved packages, verifies each against the
// package index and extracts them (maintainer scripts are not run).
func extractPinned(tmp, rootfs string, pins []debPin) error {
	dl := filepath.Join(tmp, "debs")
	if err := mkdirs(dl); err != nil {
		return err
	}
	files, err := downloadVerified(dl, pins)
	if err != nil {
		return err
	}
	for _, f := range files {
		if _, err := run(120*time.Second, "dpkg-deb", "-x", f, rootfs); err != nil {
			return err
		}
	}
	return nil
}

// packageListPath is where a Closure image lists the packages it was built
// from (name=version sha256:...), for `cat` in the image and for humans.
const packageListPath = "usr/share/lab-image/packages"

func writePackageList(rootfs string, resolved []string) error {
	full := filepath.Join(rootfs, packageListPath)
	if err := mkdirs(filepath.Dir(full)); err != nil {
		return err
	}
	return os.WriteFile(full, []byte(strings.Join(resolved, "\n")+"\n"), 0o644)
}

// ownedDir is one "path:uid:gid:mode" of ImageSpec.Dirs.
type ownedDir struct {
	Path     string // relative to the rootfs
	UID, GID int
	Mode     os.FileMode
}

func parseOwnedDirs(dirs []string) ([]ownedDir, error) {
	var out []ownedDir
	for _, d := range dirs {
		f := strings.Split(d, ":")
		if len(f) != 4 || !strings.HasPrefix(f[0], "/") {
			return nil, fmt.Errorf("dir %q: want /path:uid:gid:mode", d)
		}
		uid, err1 := strconv.Atoi(f[1])
		gid, err2 := strconv.Atoi(f[2])
		mode, err3 := strconv.ParseUint(f[3], 8, 32)
		if err1 != nil || err2 != nil || err3 != nil {
			return nil, fmt.Errorf("dir %q: uid, gid and mode (octal) must be numbers", d)
		}
		out = append(out, ownedDir{strings.TrimPrefix(filepath.Clean(f[0]), "/"), uid, gid, os.FileMode(mode)})
	}
	return out, nil
}

// makeOwnedDirs creates each dir with its mode; the layer gives it its owner.
func makeOwnedDirs(rootfs string, dirs []string) error {
	owned, err := parseOwnedDirs(dirs)
	if err != nil {
		return err
	}
	for _, d := range owned {
		full := filepath.Join(rootfs, d.Path)
		if err := mkdirs(full); err != nil {
			return err
		}
		if err := os.Chmod(full, d.Mode); err != nil {
			return err
		}
	}
	return nil
}
