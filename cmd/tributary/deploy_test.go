package main

import (
	"debug/elf"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

var (
	staticOnce sync.Once
	staticPath string
	staticErr  error
	staticOut  []byte
)

// staticBinary is tributary built as deploy/Dockerfile says (CGO_ENABLED=0),
// with -X main.version=v1.2.3; built once, in the e2e binary's folder.
func staticBinary(t *testing.T) string {
	t.Helper()
	staticOnce.Do(func() {
		staticPath = filepath.Join(filepath.Dir(binary), "tributary-static")
		build := exec.Command("go", "build", "-ldflags", "-X main.version=v1.2.3", "-o", staticPath, ".")
		build.Env = append(os.Environ(), "CGO_ENABLED=0")
		staticOut, staticErr = build.CombinedOutput()
	})
	if staticErr != nil {
		t.Fatalf("static build: %v\n%s", staticErr, staticOut)
	}
	return staticPath
}

// TestSystemdUnitVerifies runs systemd-analyze verify over deploy/tributary.service
// (pointing ExecStart at the test binary, which verify requires to exist):
// any complaint about the unit fails the test.
func TestSystemdUnitVerifies(t *testing.T) {
	analyze, err := exec.LookPath("systemd-analyze")
	if err != nil {
		t.Skip("systemd-analyze not installed")
	}
	unit, err := os.ReadFile("../../deploy/tributary.service")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "tributary.service")
	body := strings.ReplaceAll(string(unit), "/usr/local/bin/tributary", binary)
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(analyze, "verify", path).CombinedOutput()
	if err != nil || strings.Contains(string(out), path) {
		t.Errorf("systemd-analyze verify: %v\n%s", err, out)
	}
	for _, want := range []string{"DynamicUser=yes", "StateDirectory=tributary", "ProtectSystem=strict", "NoNewPrivileges=yes",
		"PrivateTmp=yes", "ProtectHome=yes", "RestrictAddressFamilies=", "SystemCallFilter=@system-service", "ExecReload=/bin/kill -HUP $MAINPID"} {
		if !strings.Contains(body, want) {
			t.Errorf("unit lacks %s", want)
		}
	}
}

// TestStaticBinaryForScratch builds the binary as deploy/Dockerfile says and
// checks what a FROM scratch image needs: no dynamic linking, and the
// image's config is valid. (The image itself is built only where a Docker
// daemon answers.)
func TestStaticBinaryForScratch(t *testing.T) {
	bin := staticBinary(t)
	f, err := elf.Open(bin)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			t.Errorf("the binary asks for a dynamic loader: not runnable FROM scratch")
		}
	}
	if libs, _ := f.ImportedLibraries(); len(libs) > 0 {
		t.Errorf("the binary links %q", libs)
	}
	out, err := exec.Command(bin, "check", "--config", "../../deploy/docker.toml").CombinedOutput()
	if err != nil {
		t.Errorf("deploy/docker.toml: %v\n%s", err, out)
	}
	if os.Getenv("TRIBUTARY_DOCKER_BUILD") == "" {
		return
	}
	if err := exec.Command("docker", "info").Run(); err != nil {
		t.Skip("no Docker daemon")
	}
	if out, err := exec.Command("cp", bin, "../../deploy/tributary").CombinedOutput(); err != nil {
		t.Fatalf("%v %s", err, out)
	}
	defer os.Remove("../../deploy/tributary")
	if out, err := exec.Command("docker", "build", "--pull=false", "-t", "tributary:test", "../../deploy").CombinedOutput(); err != nil {
		t.Errorf("docker build: %v\n%s", err, out)
	}
}
