package driver

import (
	"context"
	"log/slog"

	"google.golang.org/grpc"
	registerapi "k8s.io/kubelet/pkg/apis/pluginregistration/v1"
)

// registration is the kubelet plugin registration service (the job
// node-driver-registrar does elsewhere): the kubelet watches its
// plugins_registry dir, finds our socket there, asks GetInfo for the CSI
// endpoint and reports the outcome through NotifyRegistrationStatus.
type registration struct {
	registerapi.UnimplementedRegistrationServer
	endpoint string // the node's CSI socket path, as the kubelet dials it
	log      *slog.Logger
}

func (r *registration) GetInfo(ctx context.Context, req *registerapi.InfoRequest) (*registerapi.PluginInfo, error) {
	r.log.Info("kubelet asked for plugin info", "endpoint", r.endpoint)
	return &registerapi.PluginInfo{
		Type:              registerapi.CSIPlugin,
		Name:              Name,
		Endpoint:          r.endpoint,
		SupportedVersions: []string{"1.0.0"},
	}, nil
}

func (r *registration) NotifyRegistrationStatus(ctx context.Context, st *registerapi.RegistrationStatus) (*registerapi.RegistrationStatusResponse, error) {
	if st.PluginRegistered {
		r.log.Info("registered with the kubelet")
	} else {
		r.log.Error("the kubelet refused the registration", "error", st.Error)
	}
	return &registerapi.RegistrationStatusResponse{}, nil
}

// ServeRegistration serves the registration socket at regSocket until ctx
// ends, announcing csiSocket as the node's CSI endpoint.
func ServeRegistration(ctx context.Context, regSocket, csiSocket string, log *slog.Logger) error {
	srv := grpc.NewServer()
	registerapi.RegisterRegistrationServer(srv, &registration{endpoint: csiSocket, log: log})
	return serveUnix(ctx, srv, regSocket, log)
}
