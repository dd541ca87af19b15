package main

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// epoch is the fixed timestamp of every file and image: archives are reproducible.
var epoch = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

type blob struct {
	mediaType string
	data      []byte
}

func (b blob) digest() string { return fmt.Sprintf("sha256:%x", sha256.Sum256(b.data)) }

// layerTar writes rootfs as an uncompressed tar (fixed mtimes; root-owned
// except the owned dirs themselves, not what they contain).
func layerTar(rootfs string, owned []ownedDir) ([]byte, error) {
	owners := map[string]ownedDir{}
	for _, d := range owned {
		owners[d.Path] = d
	}
	var paths []string
	err := filepath.WalkDir(rootfs, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if p != rootfs {
			paths = append(paths, p)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	sort.Strings(paths)
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, p := range paths {
		rel, _ := filepath.Rel(rootfs, p)
		fi, err := os.Lstat(p)
		if err != nil {
			return nil, err
		}
		link := ""
		if fi.Mode()&os.ModeSymlink != 0 {
			if link, err = os.Readlink(p); err != nil {
				return nil, err
			}
		}
		hdr, err := tar.FileInfoHeader(fi, link)
		if err != nil {
			return nil, err
		}
		hdr.Name = rel
		if fi.IsDir() {
			hdr.Name += "/"
		}
		hdr.Uid, hdr.Gid, hdr.Uname, hdr.Gname = 0, 0, "root", "root"
		if d, ok := owners[rel]; ok {
			hdr.Uid, hdr.Gid, hdr.Uname, hdr.Gname = d.UID, d.GID, "", ""
		}
		hdr.ModTime, hdr.AccessTime, hdr.ChangeTime = epoch, time.Time{}, time.Time{}
		hdr.Format = tar.FormatPAX
		if err := tw.WriteHeader(hdr); err != nil {
			return nil, err
		}
		if fi.Mode().IsRegular() {
			f, err := os.Open(p)
			if err != nil {
				return nil, err
			}
			_, err = io.Copy(tw, f)
			f.Close()
			if err != nil {
				return nil, err
			}
		}
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// writeOCIArchive writes an OCI image layout tar (oci-layout, index.json,
// blobs/sha256/*) with one gzip layer, importable by `ctr images import`.
func writeOCIArchive(spec ImageSpec, rootfs, out string) error {
	owned, err := parseOwnedDirs(spec.Dirs)
	if err != nil {
		return err
	}
	layer, err := layerTar(rootfs, owned)
	if err != nil {
		return err
	}
	diffID := fmt.Sprintf("sha256:%x", sha256.Sum256(layer))
	var gz bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&gz, gzip.BestCompression)
	zw.ModTime = epoch
	if _, err := zw.Write(layer); err != nil {
		return err
	}
	if err := zw.Close(); err != nil {
		return err
	}
	layerBlob := blob{"application/vnd.oci.image.layer.v1.tar+gzip", gz.Bytes()}

	env := spec.Env
	if len(env) == 0 {
		env = []string{"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"}
	}
	wd := spec.WorkingDir
	if wd == "" {
		wd = "/"
	}
	cfg := map[string]any{
		"created":      epoch.Format(time.RFC3339),
		"architecture": "amd64",
		"os":           "linux",
		"config":       imageConfig(spec, env, wd),
		"rootfs":       map[string]any{"type": "layers", "diff_ids": []string{diffID}},
		"history":      []map[string]any{{"created": epoch.Format(time.RFC3339), "created_by": "kdrill labctl image build"}},
	}
	cfgJSON, _ := json.Marshal(cfg)
	cfgBlob := blob{"application/vnd.oci.image.config.v1+json", cfgJSON}
	manifest := map[string]any{
		"schemaVersion": 2,
		"mediaType":     "application/vnd.oci.image.manifest.v1+json",
		"config":        map[string]any{"mediaType": cfgBlob.mediaType, "digest": cfgBlob.digest(), "size": len(cfgBlob.data)},
		"layers":        []map[string]any{{"mediaType": layerBlob.mediaType, "digest": layerBlob.digest(), "size": len(layerBlob.data)}},
	}
	manJSON, _ := json.Marshal(manifest)
	manBlob := blob{"application/vnd.oci.image.manifest.v1+json", manJSON}
	index := map[string]any{
		"schemaVersion": 2,
		"mediaType":     "application/vnd.oci.image.index.v1+json",
		"manifests": []map[string]any{{
			"mediaType": manBlob.mediaType,
			"digest":    manBlob.digest(),
			"size":      len(manBlob.data),
			"platform":  map[string]string{"architecture": "amd64", "os": "linux"},
			"annotations": map[string]string{
				"io.containerd.image.name":          spec.Name,
				"org.opencontainers.image.ref.name": spec.Name,
			},
		}},
	}
	indexJSON, _ := json.Marshal(index)

	var arch bytes.Buffer
	tw := tar.NewWriter(&arch)
	add := func(name string, data []byte) error {
		if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(data)), ModTime: epoch, Typeflag: tar.TypeReg}); err != nil {
			return err
		}
		_, err := tw.Write(data)
		return err
	}
	if err := tw.WriteHeader(&tar.Header{Name: "blobs/", Mode: 0o755, ModTime: epoch, Typeflag: tar.TypeDir}); err != nil {
		return err
	}
	if err := tw.WriteHeader(&tar.Header{Name: "blobs/sha256/", Mode: 0o755, ModTime: epoch, Typeflag: tar.TypeDir}); err != nil {
		return err
	}
	for _, b := range []blob{layerBlob, cfgBlob, manBlob} {
		if err := add("blobs/sha256/"+strings.TrimPrefix(b.digest(), "sha256:"), b.data); err != nil {
			return err
		}
	}
	if err := add("oci-layout", []byte(`{"imageLayoutVersion":"1.0.0"}`)); err != nil {
		return err
	}
	if err := add("index.json", indexJSON); err != nil {
		return err
	}
	if err := tw.Close(); err != nil {
		return err
	}
	return writeFileAtomic(out, arch.Bytes(), 0o644)
}

// archiveManifestDigest reads index.json from an OCI archive and returns the
// digest of its first manifest.
func archiveManifestDigest(archive string) (string, error) {
	f, err := os.Open(archive)
	if err != nil {
		return "", err
	}
	defer f.Close()
	tr := tar.NewReader(f)
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			return "", fmt.Errorf("%s: no index.json", archive)
		}
		if err != nil {
			return "", err
		}
		if hdr.Name != "index.json" {
			continue
		}
		var idx struct {
			Manifests []struct {
				Digest string `json:"digest"`
			} `json:"manifests"`
		}
		if err := json.NewDecoder(tr).Decode(&idx); err != nil {
			return "", err
		}
		if len(idx.Manifests) == 0 {
			return "", fmt.Errorf("%s: empty index.json", archive)
		}
		return idx.Manifests[0].Digest, nil
	}
}

func imageConfig(spec ImageSpec, env []string, wd string) map[string]any {
	cfg := map[string]any{"Env": env, "Entrypoint": spec.Entrypoint, "Cmd": spec.Cmd, "WorkingDir": wd}
	if spec.User != "" {
		cfg["User"] = spec.User
	}
	return cfg
}
