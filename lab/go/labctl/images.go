package main

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// ImageSpec describes an image built without a registry: a rootfs made of
// extracted Debian packages and copied files, written as an OCI archive.
type ImageSpec struct {
	Name         string   `json:"name"`         // "localhost/busybox:lab"
	Debs         []string `json:"debs"`         // "pkg" or "pkg=version"
	WithDeps     bool     `json:"withDeps"`     // also extract the packages' dependency closure
	Files        []string `json:"files"`        // "SRC:DST" copied into the rootfs
	CSources     []string `json:"cSources"`     // "SRC.c:DST" compiled with gcc -static
	BusyboxLinks bool     `json:"busyboxLinks"` // symlink every busybox applet in /bin
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

// imageArchive returns the cached OCI archive of spec, building it if needed.
func imageArchive(c *Config, spec ImageSpec) (string, error) {
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
	if err := buildImage(c, spec, out); err != nil {
		return "", fmt.Errorf("image %s: %w", spec.Name, err)
	}
	logf("built image %s in %s (%s)", spec.Name, since(start), out)
	return out, nil
}

// buildImage assembles the rootfs in a temporary dir and writes the archive.
func buildImage(c *Config, spec ImageSpec, out string) error {
	tmp, err := os.MkdirTemp(c.CacheRoot, "image-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	rootfs := filepath.Join(tmp, "rootfs")
	if err := mkdirs(rootfs); err != nil {
		return err
	}
	if len(spec.Debs) > 0 {
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
	if spec.BusyboxLinks {
		if err := busyboxLinks(rootfs); err != nil {
			return err
		}
	}
	if err := baseFiles(rootfs); err != nil {
		return err
	}
	if err := mkdirs(filepath.Dir(out)); err != nil {
		return err
	}
	return writeOCIArchive(spec, rootfs, out)
}

// baseFiles adds what every image needs when the packages did not bring it.
func baseFiles(rootfs string) error {
	files := map[string]string{
		"etc/passwd":   "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n",
		"etc/group":    "root:x:0:\nnogroup:x:65534:\n",
		"etc/hostname": "lab\n",
	}
	for p, content := range files {
		full := filepath.Join(rootfs, p)
		if fileExists(full) {
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
