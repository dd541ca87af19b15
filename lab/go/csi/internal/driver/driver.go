// Package driver serves the CSI gRPC services of lab-csi-driver (identity,
// controller, node) and the kubelet plugin registration service.
package driver

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/container-storage-interface/spec/lib/go/csi"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"kdrill.io/lab/csi/internal/volume"
)

const (
	// Name is the CSI driver name (CSIDriver object, StorageClass provisioner).
	Name = "lab.kdrill.io"
	// TopologyKey labels nodes and pins node-local volumes.
	TopologyKey = "lab.kdrill.io/node"
	// ParamLocality is the StorageClass parameter choosing shared or node.
	ParamLocality = "locality"
)

// Version is the driver version, set at build time.
var Version = "0.1.0"

// Driver holds what the services share.
type Driver struct {
	Store  *volume.Store
	NodeID string // node mode only
	Log    *slog.Logger
	// Controller reports whether this process serves the controller service.
	Controller bool
	// DefaultFsType formats volumes whose request names no fsType.
	DefaultFsType string
}

// Serve listens on a unix socket and serves the CSI services of d until ctx
// ends. The socket file is replaced if stale and removed at the end.
func (d *Driver) Serve(ctx context.Context, endpoint string) error {
	srv := grpc.NewServer(grpc.UnaryInterceptor(d.logCalls))
	csi.RegisterIdentityServer(srv, &identity{d: d})
	if d.Controller {
		csi.RegisterControllerServer(srv, &controller{d: d})
	} else {
		csi.RegisterNodeServer(srv, &node{d: d})
	}
	return serveUnix(ctx, srv, endpoint, d.Log)
}

// ParseEndpoint turns "unix:///path" or "/path" into a socket path.
func ParseEndpoint(ep string) (string, error) {
	p := strings.TrimPrefix(ep, "unix://")
	if !filepath.IsAbs(p) {
		return "", fmt.Errorf("endpoint %q: want unix:///absolute/path", ep)
	}
	return p, nil
}

func serveUnix(ctx context.Context, srv *grpc.Server, path string, log *slog.Logger) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return err
	}
	if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	lis, err := net.Listen("unix", path)
	if err != nil {
		return err
	}
	log.Info("serving", "socket", path)
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(lis) }()
	select {
	case err := <-errc:
		os.Remove(path)
		return err
	case <-ctx.Done():
	}
	stopped := make(chan struct{})
	go func() { srv.GracefulStop(); close(stopped) }()
	select {
	case <-stopped:
	case <-time.After(5 * time.Second):
		srv.Stop()
	}
	os.Remove(path)
	return nil
}

func (d *Driver) logCalls(ctx context.Context, req any, info *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (any, error) {
	start := time.Now()
	resp, err := handler(ctx, req)
	method := info.FullMethod[strings.LastIndex(info.FullMethod, "/")+1:]
	quiet := method == "Probe" || method == "NodeGetCapabilities" || method == "NodeGetVolumeStats" ||
		method == "GetPluginInfo" || method == "GetPluginCapabilities" || method == "ControllerGetCapabilities"
	took := time.Since(start).Round(time.Millisecond)
	if err != nil {
		d.Log.Error("call failed", "method", method, "took", took, "err", err, "req", compact(req))
	} else if !quiet {
		d.Log.Info("call", "method", method, "took", took, "req", compact(req))
	}
	return resp, err
}

func compact(v any) string {
	if s, ok := v.(fmt.Stringer); ok {
		str := s.String()
		if len(str) > 600 {
			str = str[:600] + "..."
		}
		return str
	}
	return ""
}

// toStatus maps store errors to gRPC codes.
func toStatus(err error) error {
	if err == nil {
		return nil
	}
	if _, ok := err.(interface{ GRPCStatus() *status.Status }); ok {
		return err
	}
	switch {
	case errors.Is(err, volume.ErrNotFound):
		return status.Error(codes.NotFound, err.Error())
	case errors.Is(err, volume.ErrAlreadyExists):
		return status.Error(codes.AlreadyExists, err.Error())
	case errors.Is(err, volume.ErrOutOfRange):
		return status.Error(codes.OutOfRange, err.Error())
	case errors.Is(err, volume.ErrNoSpace):
		return status.Error(codes.ResourceExhausted, err.Error())
	case errors.Is(err, volume.ErrBusy), errors.Is(err, volume.ErrPrecondition):
		return status.Error(codes.FailedPrecondition, err.Error())
	case errors.Is(err, volume.ErrInvalid):
		return status.Error(codes.InvalidArgument, err.Error())
	}
	return status.Error(codes.Internal, err.Error())
}

// identity is the CSI Identity service.
type identity struct {
	csi.UnimplementedIdentityServer
	d *Driver
}

func (i *identity) GetPluginInfo(context.Context, *csi.GetPluginInfoRequest) (*csi.GetPluginInfoResponse, error) {
	return &csi.GetPluginInfoResponse{Name: Name, VendorVersion: Version}, nil
}

func (i *identity) GetPluginCapabilities(context.Context, *csi.GetPluginCapabilitiesRequest) (*csi.GetPluginCapabilitiesResponse, error) {
	caps := []*csi.PluginCapability{
		{Type: &csi.PluginCapability_Service_{Service: &csi.PluginCapability_Service{Type: csi.PluginCapability_Service_VOLUME_ACCESSIBILITY_CONSTRAINTS}}},
		{Type: &csi.PluginCapability_VolumeExpansion_{VolumeExpansion: &csi.PluginCapability_VolumeExpansion{Type: csi.PluginCapability_VolumeExpansion_ONLINE}}},
	}
	if i.d.Controller {
		caps = append(caps, &csi.PluginCapability{Type: &csi.PluginCapability_Service_{Service: &csi.PluginCapability_Service{Type: csi.PluginCapability_Service_CONTROLLER_SERVICE}}})
	}
	return &csi.GetPluginCapabilitiesResponse{Capabilities: caps}, nil
}

func (i *identity) Probe(context.Context, *csi.ProbeRequest) (*csi.ProbeResponse, error) {
	if _, err := os.Stat(i.d.Store.Root); err != nil {
		return nil, status.Errorf(codes.FailedPrecondition, "state dir: %v", err)
	}
	return &csi.ProbeResponse{}, nil
}

// checkCapabilities accepts mount volumes with any access mode the locality
// supports (node-local: single-node modes only).
func checkCapabilities(caps []*csi.VolumeCapability, locality string) error {
	if len(caps) == 0 {
		return status.Error(codes.InvalidArgument, "volume capabilities missing")
	}
	for _, c := range caps {
		if c.GetBlock() != nil {
			return status.Error(codes.InvalidArgument, "block volumes are not supported by lab.kdrill.io (use volumeMode: Filesystem)")
		}
		if m := c.GetMount(); m != nil && m.FsType != "" && !volume.SupportedFs(m.FsType) {
			return status.Errorf(codes.InvalidArgument, "fsType %q not supported (xfs or ext4)", m.FsType)
		}
		switch c.GetAccessMode().GetMode() {
		case csi.VolumeCapability_AccessMode_SINGLE_NODE_WRITER,
			csi.VolumeCapability_AccessMode_SINGLE_NODE_READER_ONLY,
			csi.VolumeCapability_AccessMode_SINGLE_NODE_SINGLE_WRITER,
			csi.VolumeCapability_AccessMode_SINGLE_NODE_MULTI_WRITER:
		case csi.VolumeCapability_AccessMode_MULTI_NODE_READER_ONLY,
			csi.VolumeCapability_AccessMode_MULTI_NODE_SINGLE_WRITER,
			csi.VolumeCapability_AccessMode_MULTI_NODE_MULTI_WRITER:
			if locality == volume.LocalityNode {
				return status.Errorf(codes.InvalidArgument, "access mode %s needs a shared volume (node-local volumes live on one node)", c.GetAccessMode().GetMode())
			}
		default:
			return status.Errorf(codes.InvalidArgument, "access mode %s not supported", c.GetAccessMode().GetMode())
		}
	}
	return nil
}
