package driver

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/container-storage-interface/spec/lib/go/csi"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/timestamppb"

	"kdrill.io/lab/csi/internal/volume"
)

// controller is the CSI Controller service (one process for the lab).
type controller struct {
	csi.UnimplementedControllerServer
	d *Driver
}

// metadataPrefix marks the parameters csi-provisioner adds with
// --extra-create-metadata (PVC name/namespace, PV name).
const metadataPrefix = "csi.storage.k8s.io/"

func (c *controller) CreateVolume(ctx context.Context, req *csi.CreateVolumeRequest) (*csi.CreateVolumeResponse, error) {
	if req.GetName() == "" {
		return nil, status.Error(codes.InvalidArgument, "name missing")
	}
	locality := volume.LocalityShared
	labels := map[string]string{}
	for k, v := range req.GetParameters() {
		switch {
		case k == ParamLocality:
			locality = v
		case strings.HasPrefix(k, metadataPrefix):
			labels[strings.TrimPrefix(k, metadataPrefix)] = v
		default:
			return nil, status.Errorf(codes.InvalidArgument, "unknown StorageClass parameter %q (lab.kdrill.io knows %q: %s|%s)", k, ParamLocality, volume.LocalityShared, volume.LocalityNode)
		}
	}
	if locality != volume.LocalityShared && locality != volume.LocalityNode {
		return nil, status.Errorf(codes.InvalidArgument, "parameter %s=%q: want %s or %s", ParamLocality, locality, volume.LocalityShared, volume.LocalityNode)
	}
	if err := checkCapabilities(req.GetVolumeCapabilities(), locality); err != nil {
		return nil, err
	}
	size, err := c.d.Store.RoundSize(req.GetCapacityRange().GetRequiredBytes(), req.GetCapacityRange().GetLimitBytes())
	if err != nil {
		return nil, toStatus(err)
	}
	fs := ""
	for _, vc := range req.GetVolumeCapabilities() {
		if f := vc.GetMount().GetFsType(); f != "" {
			if fs != "" && f != fs {
				return nil, status.Errorf(codes.InvalidArgument, "volume capabilities ask for two fsTypes: %s and %s", fs, f)
			}
			fs = f
		}
	}
	if fs == "" {
		fs = c.d.DefaultFsType
	}
	cr := volume.CreateRequest{Name: req.GetName(), Size: size, Locality: locality, FsType: fs, Labels: labels}
	var topo []*csi.Topology
	if locality == volume.LocalityNode {
		node := pickNode(req.GetAccessibilityRequirements())
		if node == "" {
			return nil, status.Errorf(codes.InvalidArgument, "node-local volume %q: no %s in the accessibility requirements (StorageClass needs volumeBindingMode: WaitForFirstConsumer and csi-provisioner --feature-gates=Topology=true)", req.GetName(), TopologyKey)
		}
		cr.Node = node
		topo = []*csi.Topology{{Segments: map[string]string{TopologyKey: node}}}
	}
	if src := req.GetVolumeContentSource(); src != nil {
		switch {
		case src.GetSnapshot() != nil:
			cr.SourceKind, cr.SourceID = "snapshot", src.GetSnapshot().GetSnapshotId()
		case src.GetVolume() != nil:
			cr.SourceKind, cr.SourceID = "volume", src.GetVolume().GetVolumeId()
		default:
			return nil, status.Error(codes.InvalidArgument, "unknown volume content source")
		}
		if cr.SourceID == "" {
			return nil, status.Error(codes.InvalidArgument, "volume content source without an ID")
		}
	}
	v, err := c.d.Store.Create(cr)
	if err != nil {
		if errors.Is(err, volume.ErrNotFound) {
			return nil, status.Error(codes.NotFound, err.Error())
		}
		return nil, toStatus(err)
	}
	return &csi.CreateVolumeResponse{Volume: &csi.Volume{
		VolumeId:           v.ID,
		CapacityBytes:      v.CapacityBytes,
		VolumeContext:      volumeContext(v),
		ContentSource:      req.GetVolumeContentSource(),
		AccessibleTopology: topo,
	}}, nil
}

func volumeContext(v *volume.Volume) map[string]string {
	ctx := map[string]string{ParamLocality: v.Locality}
	if v.Node != "" {
		ctx["node"] = v.Node
	}
	return ctx
}

// pickNode is the node of a node-local volume: the first preferred topology
// (for WaitForFirstConsumer, the node the scheduler picked), else the first
// requisite one.
func pickNode(ar *csi.TopologyRequirement) string {
	for _, list := range [][]*csi.Topology{ar.GetPreferred(), ar.GetRequisite()} {
		for _, t := range list {
			if n := t.GetSegments()[TopologyKey]; n != "" {
				return n
			}
		}
	}
	return ""
}

func (c *controller) DeleteVolume(ctx context.Context, req *csi.DeleteVolumeRequest) (*csi.DeleteVolumeResponse, error) {
	if req.GetVolumeId() == "" {
		return nil, status.Error(codes.InvalidArgument, "volume ID missing")
	}
	if err := c.d.Store.Delete(req.GetVolumeId()); err != nil {
		return nil, toStatus(err)
	}
	return &csi.DeleteVolumeResponse{}, nil
}

func (c *controller) ValidateVolumeCapabilities(ctx context.Context, req *csi.ValidateVolumeCapabilitiesRequest) (*csi.ValidateVolumeCapabilitiesResponse, error) {
	if req.GetVolumeId() == "" {
		return nil, status.Error(codes.InvalidArgument, "volume ID missing")
	}
	v, err := c.d.Store.Get(req.GetVolumeId())
	if err != nil {
		return nil, toStatus(err)
	}
	if err := checkCapabilities(req.GetVolumeCapabilities(), v.Locality); err != nil {
		if status.Code(err) == codes.InvalidArgument && len(req.GetVolumeCapabilities()) > 0 {
			return &csi.ValidateVolumeCapabilitiesResponse{Message: status.Convert(err).Message()}, nil
		}
		return nil, err
	}
	return &csi.ValidateVolumeCapabilitiesResponse{Confirmed: &csi.ValidateVolumeCapabilitiesResponse_Confirmed{
		VolumeContext:      req.GetVolumeContext(),
		VolumeCapabilities: req.GetVolumeCapabilities(),
		Parameters:         req.GetParameters(),
	}}, nil
}

func (c *controller) ControllerGetCapabilities(context.Context, *csi.ControllerGetCapabilitiesRequest) (*csi.ControllerGetCapabilitiesResponse, error) {
	var caps []*csi.ControllerServiceCapability
	for _, t := range []csi.ControllerServiceCapability_RPC_Type{
		csi.ControllerServiceCapability_RPC_CREATE_DELETE_VOLUME,
		csi.ControllerServiceCapability_RPC_EXPAND_VOLUME,
		csi.ControllerServiceCapability_RPC_CREATE_DELETE_SNAPSHOT,
		csi.ControllerServiceCapability_RPC_LIST_SNAPSHOTS,
		csi.ControllerServiceCapability_RPC_CLONE_VOLUME,
		csi.ControllerServiceCapability_RPC_SINGLE_NODE_MULTI_WRITER,
	} {
		caps = append(caps, &csi.ControllerServiceCapability{Type: &csi.ControllerServiceCapability_Rpc{Rpc: &csi.ControllerServiceCapability_RPC{Type: t}}})
	}
	return &csi.ControllerGetCapabilitiesResponse{Capabilities: caps}, nil
}

func (c *controller) ControllerExpandVolume(ctx context.Context, req *csi.ControllerExpandVolumeRequest) (*csi.ControllerExpandVolumeResponse, error) {
	if req.GetVolumeId() == "" {
		return nil, status.Error(codes.InvalidArgument, "volume ID missing")
	}
	if req.GetCapacityRange().GetRequiredBytes() <= 0 {
		return nil, status.Error(codes.InvalidArgument, "capacity_range.required_bytes missing")
	}
	if req.GetVolumeCapability().GetBlock() != nil {
		return nil, status.Error(codes.InvalidArgument, "block volumes are not supported")
	}
	size, err := c.d.Store.RoundSize(req.GetCapacityRange().GetRequiredBytes(), req.GetCapacityRange().GetLimitBytes())
	if err != nil {
		return nil, toStatus(err)
	}
	capacity, nodeNeeded, err := c.d.Store.Expand(req.GetVolumeId(), size)
	if err != nil {
		return nil, toStatus(err)
	}
	return &csi.ControllerExpandVolumeResponse{CapacityBytes: capacity, NodeExpansionRequired: nodeNeeded}, nil
}

func (c *controller) CreateSnapshot(ctx context.Context, req *csi.CreateSnapshotRequest) (*csi.CreateSnapshotResponse, error) {
	if req.GetName() == "" {
		return nil, status.Error(codes.InvalidArgument, "name missing")
	}
	if req.GetSourceVolumeId() == "" {
		return nil, status.Error(codes.InvalidArgument, "source volume ID missing")
	}
	// VolumeSnapshotClass parameters: the driver has none of its own; the
	// names csi-snapshotter adds with --extra-create-metadata (VolumeSnapshot
	// name/namespace, VolumeSnapshotContent name) are kept as labels.
	labels := map[string]string{}
	for k, v := range req.GetParameters() {
		if !strings.HasPrefix(k, metadataPrefix) {
			return nil, status.Errorf(codes.InvalidArgument, "unknown VolumeSnapshotClass parameter %q (lab.kdrill.io takes none)", k)
		}
		labels[strings.TrimPrefix(k, metadataPrefix)] = v
	}
	sn, err := c.d.Store.CreateSnapshot(req.GetName(), req.GetSourceVolumeId(), labels)
	if err != nil {
		return nil, toStatus(err)
	}
	return &csi.CreateSnapshotResponse{Snapshot: snapshotInfo(sn)}, nil
}

func snapshotInfo(sn *volume.Snapshot) *csi.Snapshot {
	return &csi.Snapshot{
		SnapshotId:     sn.ID,
		SourceVolumeId: sn.SourceVolumeID,
		SizeBytes:      sn.SizeBytes,
		CreationTime:   timestamppb.New(sn.CreatedAt),
		ReadyToUse:     true,
	}
}

func (c *controller) DeleteSnapshot(ctx context.Context, req *csi.DeleteSnapshotRequest) (*csi.DeleteSnapshotResponse, error) {
	if req.GetSnapshotId() == "" {
		return nil, status.Error(codes.InvalidArgument, "snapshot ID missing")
	}
	if err := c.d.Store.DeleteSnapshot(req.GetSnapshotId()); err != nil {
		return nil, toStatus(err)
	}
	return &csi.DeleteSnapshotResponse{}, nil
}

func (c *controller) ListSnapshots(ctx context.Context, req *csi.ListSnapshotsRequest) (*csi.ListSnapshotsResponse, error) {
	all, err := c.d.Store.ListSnapshots()
	if err != nil {
		return nil, toStatus(err)
	}
	var match []*volume.Snapshot
	for _, sn := range all {
		if req.GetSnapshotId() != "" && sn.ID != req.GetSnapshotId() {
			continue
		}
		if req.GetSourceVolumeId() != "" && sn.SourceVolumeID != req.GetSourceVolumeId() {
			continue
		}
		match = append(match, sn)
	}
	sort.Slice(match, func(i, j int) bool { return match[i].ID < match[j].ID })
	start := 0
	if t := req.GetStartingToken(); t != "" {
		n, err := strconv.Atoi(t)
		if err != nil || n < 0 || n > len(match) {
			return nil, status.Errorf(codes.Aborted, "starting_token %q not valid", t)
		}
		start = n
	}
	end := len(match)
	if m := int(req.GetMaxEntries()); m > 0 && start+m < end {
		end = start + m
	}
	resp := &csi.ListSnapshotsResponse{}
	for _, sn := range match[start:end] {
		resp.Entries = append(resp.Entries, &csi.ListSnapshotsResponse_Entry{Snapshot: snapshotInfo(sn)})
	}
	if end < len(match) {
		resp.NextToken = fmt.Sprint(end)
	}
	return resp, nil
}
