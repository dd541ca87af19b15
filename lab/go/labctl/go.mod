module kdrill.io/lab/labctl

go 1.24.0
