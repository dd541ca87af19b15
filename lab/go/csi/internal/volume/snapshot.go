package volume

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// GetSnapshot returns the metadata of snapshot id (ErrNotFound when absent).
func (s *Store) GetSnapshot(id string) (*Snapshot, error) {
	if !ValidID(id) {
		return nil, fmt.Errorf("%w: snapshot %q", ErrNotFound, id)
	}
	data, err := os.ReadFile(s.snapMetaPath(id))
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("%w: snapshot %q", ErrNotFound, id)
	}
	if err != nil {
		return nil, err
	}
	var sn Snapshot
	if err := json.Unmarshal(data, &sn); err != nil {
		return nil, fmt.Errorf("snapshot %q: bad metadata: %v", id, err)
	}
	return &sn, nil
}

// ListSnapshots returns every snapshot, sorted by ID.
func (s *Store) ListSnapshots() ([]*Snapshot, error) {
	files, err := filepath.Glob(filepath.Join(s.snapshotsDir(), "*.json"))
	if err != nil {
		return nil, err
	}
	var out []*Snapshot
	for _, f := range files {
		if sn, err := s.GetSnapshot(strings.TrimSuffix(filepath.Base(f), ".json")); err == nil {
			out = append(out, sn)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

// CreateSnapshot copies the image of volume sourceID (filesystem frozen while
// copying when mounted) into a snapshot named name, with labels (e.g. the
// VolumeSnapshot's namespace/name from csi-snapshotter) kept in its metadata.
// Repeating the request returns the same snapshot.
func (s *Store) CreateSnapshot(name, sourceID string, labels map[string]string) (*Snapshot, error) {
	id := IDFor("snap", name)
	unlockSnap, err := s.lock("snap-" + id)
	if err != nil {
		return nil, err
	}
	defer unlockSnap()
	if sn, err := s.GetSnapshot(id); err == nil {
		if sn.SourceVolumeID != sourceID || sn.Name != name {
			return nil, fmt.Errorf("%w: snapshot %q exists for volume %q", ErrAlreadyExists, name, sn.SourceVolumeID)
		}
		return sn, nil
	}
	v, err := s.Get(sourceID)
	if err != nil {
		return nil, err
	}
	if err := s.checkHostSpace(v.CapacityBytes); err != nil {
		return nil, err
	}
	unlockVol, err := s.lock(sourceID)
	if err != nil {
		return nil, err
	}
	tmp := s.snapImagePath(id) + ".tmp"
	os.Remove(tmp)
	start := time.Now()
	err = s.copyConsistent(sourceID, tmp)
	unlockVol()
	if err != nil {
		os.Remove(tmp)
		return nil, err
	}
	if err := os.Rename(tmp, s.snapImagePath(id)); err != nil {
		return nil, err
	}
	sn := &Snapshot{ID: id, Name: name, SourceVolumeID: sourceID, SizeBytes: v.CapacityBytes, FsType: v.FsType, Labels: labels, CreatedAt: time.Now().UTC()}
	if err := writeJSON(s.snapMetaPath(id), sn); err != nil {
		os.Remove(s.snapImagePath(id))
		return nil, err
	}
	s.Log.Info("snapshot created", "id", id, "source", sourceID, "bytes", v.CapacityBytes, "took", time.Since(start).Round(time.Millisecond))
	return sn, nil
}

// DeleteSnapshot removes snapshot id (idempotent).
func (s *Store) DeleteSnapshot(id string) error {
	if !ValidID(id) {
		return nil
	}
	unlock, err := s.lock("snap-" + id)
	if err != nil {
		return err
	}
	defer unlock()
	for _, p := range []string{s.snapMetaPath(id), s.snapImagePath(id), s.snapImagePath(id) + ".tmp"} {
		if err := os.Remove(p); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
	}
	s.Log.Info("snapshot deleted", "id", id)
	return nil
}
