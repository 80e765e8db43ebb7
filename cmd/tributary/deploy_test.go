package main

import (
	"archive/tar"
	"compress/gzip"
	"context"
	"debug/elf"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
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
// image's config is valid. (TestImageBuilds builds the image itself, with
// buildah; with TRIBUTARY_DOCKER_BUILD set, this also builds it with a
// Docker daemon, where one answers.)
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

// buildah runs buildah on a storage of its own under root (the vfs driver:
// no overlay mounts, no daemon), failing the test when it fails.
func buildah(t *testing.T, root string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "buildah", append([]string{"--storage-driver", "vfs",
		"--root", filepath.Join(root, "storage"), "--runroot", filepath.Join(root, "run")}, args...)...)
	cmd.Env = append(os.Environ(), "BUILDAH_ISOLATION=chroot")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("buildah %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(string(out))
}

// TestImageBuilds builds deploy/Dockerfile with buildah (no daemon: the vfs
// storage driver, chroot isolation), checks that the image holds only the
// static binary (with its CA roots and zone data built in), its default
// config and the empty /data owned by the unprivileged user, and runs the
// image's binary in the image (buildah run) for version and for check on
// the example config. Skipped, saying so, where buildah is not installed or
// cannot build here, unless TRIBUTARY_REQUIRE_BUILDAH=1 (CI) makes that a
// failure.
func TestImageBuilds(t *testing.T) {
	required := os.Getenv("TRIBUTARY_REQUIRE_BUILDAH") == "1"
	skip := func(why string) {
		if required {
			t.Fatalf("TRIBUTARY_REQUIRE_BUILDAH=1, but %s", why)
		}
		t.Skipf("the image is not built: %s (CI installs buildah and sets TRIBUTARY_REQUIRE_BUILDAH=1)", why)
	}
	if _, err := exec.LookPath("buildah"); err != nil {
		skip("buildah is not installed")
	}
	bin := staticBinary(t)
	work := t.TempDir()
	root := filepath.Join(work, "buildah")
	// Can buildah work at all here (rootless buildah needs subordinate ids)?
	probe := exec.Command("buildah", "--storage-driver", "vfs", "--root", filepath.Join(root, "storage"), "--runroot", filepath.Join(root, "run"), "from", "--name", "probe", "scratch")
	if out, err := probe.CombinedOutput(); err != nil {
		skip(fmt.Sprintf("buildah cannot make a container here: %v: %s", err, strings.TrimSpace(string(out))))
	}
	buildah(t, root, "rm", "probe")
	t.Cleanup(func() {
		// Containers and images live under root, which TempDir removes.
		exec.Command("buildah", "--storage-driver", "vfs", "--root", filepath.Join(root, "storage"), "--runroot", filepath.Join(root, "run"), "rm", "--all").Run()
	})

	// The build context, as the Dockerfile's comment says to make it.
	ctxDir := filepath.Join(work, "context")
	for _, f := range []struct{ from, to string }{
		{"../../deploy/Dockerfile", "Dockerfile"}, {"../../deploy/docker.toml", "docker.toml"},
		{"../../deploy/data/.keep", "data/.keep"}, {bin, "tributary"},
	} {
		b, err := os.ReadFile(f.from)
		if err != nil {
			t.Fatal(err)
		}
		dst := filepath.Join(ctxDir, f.to)
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(dst, b, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	buildah(t, root, "bud", "--isolation", "chroot", "--quiet", "-t", "tributary:test", ctxDir)

	// What the image holds: its layers as an OCI layout.
	layout := filepath.Join(work, "oci")
	buildah(t, root, "push", "--quiet", "tributary:test", "oci:"+layout)
	files, cfg := readOCIImage(t, layout)
	want := map[string]string{
		"tributary":                 "file 0:0",
		"etc/":                      "dir 0:0",
		"etc/tributary/":            "dir 0:0",
		"etc/tributary/config.toml": "file 0:0",
		"data/":                     "dir 65532:65532",
		"data/.keep":                "file 65532:65532",
	}
	for name, got := range files {
		if want[name] == "" {
			t.Errorf("the image holds %s (%s): only the binary, its config and /data belong there", name, got)
		} else if got != want[name] {
			t.Errorf("%s is %s, want %s", name, got, want[name])
		}
	}
	for _, name := range slices.Sorted(maps.Keys(want)) {
		if files[name] == "" {
			t.Errorf("the image lacks %s", name)
		}
	}
	c := cfg.Config
	if c.User != "65532:65532" || !slices.Equal(c.Entrypoint, []string{"/tributary"}) || c.StopSignal != "SIGTERM" {
		t.Errorf("image config: user %q, entrypoint %q, stop signal %q", c.User, c.Entrypoint, c.StopSignal)
	}
	if _, ok := c.Volumes["/data"]; !ok {
		t.Errorf("image config: /data is not a volume: %v", c.Volumes)
	}
	if _, ok := c.ExposedPorts["8080/tcp"]; !ok {
		t.Errorf("image config: 8080/tcp not exposed: %v", c.ExposedPorts)
	}

	// The image's binary, run in the image as its user: version, and check
	// on the example config and on a schedule in a named zone (the image has
	// no zoneinfo: the binary's own must answer).
	ctr := buildah(t, root, "from", "--quiet", "tributary:test")
	cfgDir := filepath.Join(work, "cfg")
	if err := os.MkdirAll(cfgDir, 0o755); err != nil {
		t.Fatal(err)
	}
	example, err := os.ReadFile("../../config.toml")
	if err != nil {
		t.Fatal(err)
	}
	zoned := "[fetch]\nschedule = \"CRON_TZ=Europe/Paris 0 6 * * *\"\n[[source]]\nname = \"one\"\nurl = \"https://example.com/feed.xml\"\n"
	for name, body := range map[string][]byte{"example.toml": example, "zoned.toml": []byte(zoned)} {
		if err := os.WriteFile(filepath.Join(cfgDir, name), body, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	buildah(t, root, "copy", "--quiet", ctr, cfgDir, "/cfg")
	// buildah run under chroot isolation now and then loses a short-lived
	// process's output on a loaded machine (exit 0, nothing printed): such
	// a run is tried again, up to three times in all.
	run := func(args ...string) string {
		for try := 1; ; try++ {
			out := buildah(t, root, append([]string{"run", "--isolation", "chroot", ctr, "--", "/tributary"}, args...)...)
			if out != "" || try == 3 {
				return out
			}
			t.Logf("buildah run %s printed nothing (try %d); running it again", strings.Join(args, " "), try)
		}
	}
	if out := run("version"); !strings.HasPrefix(out, "tributary v1.2.3 ") {
		t.Errorf("version in the image: %q", out)
	}
	if out := run("check", "--config", "/cfg/example.toml"); !strings.Contains(out, "/cfg/example.toml: ok") {
		t.Errorf("check of the example config in the image: %q", out)
	}
	if out := run("check", "--config", "/cfg/zoned.toml"); !strings.Contains(out, "/cfg/zoned.toml: ok (1 sources)") {
		t.Errorf("check of a CRON_TZ schedule in the image: %q", out)
	}
	if out := run("check", "--config", "/etc/tributary/config.toml"); !strings.Contains(out, ": ok") {
		t.Errorf("check of the image's own config: %q", out)
	}
	// The CA roots the binary carries for https feeds in an image without
	// /etc/ssl: the module that embeds them is linked in.
	mods, err := exec.Command("go", "version", "-m", bin).Output()
	if err != nil || !strings.Contains(string(mods), "golang.org/x/crypto/x509roots/fallback") {
		t.Errorf("the binary does not carry x509roots/fallback (%v)", err)
	}
}

// ociImage is the part of an OCI image config the test reads.
type ociImage struct {
	Config struct {
		User         string              `json:"User"`
		Entrypoint   []string            `json:"Entrypoint"`
		StopSignal   string              `json:"StopSignal"`
		Volumes      map[string]struct{} `json:"Volumes"`
		ExposedPorts map[string]struct{} `json:"ExposedPorts"`
	} `json:"config"`
}

// readOCIImage lists the files of the one image in an OCI layout, all
// layers merged, each as "file UID:GID" or "dir UID:GID", and its config.
func readOCIImage(t *testing.T, layout string) (map[string]string, ociImage) {
	t.Helper()
	read := func(name string) []byte {
		b, err := os.ReadFile(filepath.Join(layout, name))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	blob := func(digest string) []byte { return read(filepath.Join("blobs", strings.Replace(digest, ":", "/", 1))) }
	var index struct {
		Manifests []struct{ Digest string } `json:"manifests"`
	}
	if err := json.Unmarshal(read("index.json"), &index); err != nil || len(index.Manifests) != 1 {
		t.Fatalf("index.json: %v, %d manifests", err, len(index.Manifests))
	}
	var manifest struct {
		Config struct{ Digest string } `json:"config"`
		Layers []struct {
			MediaType string `json:"mediaType"`
			Digest    string `json:"digest"`
		} `json:"layers"`
	}
	if err := json.Unmarshal(blob(index.Manifests[0].Digest), &manifest); err != nil {
		t.Fatal(err)
	}
	var cfg ociImage
	if err := json.Unmarshal(blob(manifest.Config.Digest), &cfg); err != nil {
		t.Fatal(err)
	}
	files := map[string]string{}
	for _, l := range manifest.Layers {
		var r io.Reader = strings.NewReader(string(blob(l.Digest)))
		if strings.HasSuffix(l.MediaType, "+gzip") {
			zr, err := gzip.NewReader(r)
			if err != nil {
				t.Fatal(err)
			}
			r = zr
		}
		tr := tar.NewReader(r)
		for {
			h, err := tr.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("layer %s: %v", l.Digest, err)
			}
			name := strings.TrimPrefix(path.Clean("/"+h.Name), "/")
			kind := "file"
			switch h.Typeflag {
			case tar.TypeDir:
				kind, name = "dir", name+"/"
			case tar.TypeReg:
			default:
				kind = fmt.Sprintf("type %c", h.Typeflag)
			}
			files[name] = fmt.Sprintf("%s %d:%d", kind, h.Uid, h.Gid)
		}
	}
	return files, cfg
}
