// Package testenv finds the things tests use from outside the repository:
// the shared corpus of real feeds and pages, and real feed readers. A test
// skips when one is missing, unless the environment says it is required
// (TRIBUTARY_REQUIRE_CORPUS=1, TRIBUTARY_REQUIRE_CLIENTS=1), as CI does.
package testenv

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// Corpus returns the folder sub ("feeds", "pages", "comment-pages") of the
// shared corpus: $TRIBUTARY_CORPUS, else ../shared/corpus beside the
// repository.
func Corpus(t testing.TB, sub string) string {
	t.Helper()
	root := os.Getenv("TRIBUTARY_CORPUS")
	if root == "" {
		if top, ok := repoRoot(); ok {
			root = filepath.Join(top, "..", "shared", "corpus")
		}
	}
	dir := filepath.Join(root, sub)
	if fi, err := os.Stat(dir); root == "" || err != nil || !fi.IsDir() {
		if os.Getenv("TRIBUTARY_REQUIRE_CORPUS") == "1" {
			t.Fatalf("corpus folder %q is missing and TRIBUTARY_REQUIRE_CORPUS=1", dir)
		}
		t.Skipf("corpus folder %q is missing (set TRIBUTARY_CORPUS)", dir)
	}
	return dir
}

// Client returns the path of a feed reader's executable (an absolute path
// is checked as it is, a bare name looked up on PATH), skipping the test when
// it is missing unless TRIBUTARY_REQUIRE_CLIENTS=1.
func Client(t testing.TB, name string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("TRIBUTARY_REQUIRE_CLIENTS") == "1" {
			t.Fatalf("client %s is missing and TRIBUTARY_REQUIRE_CLIENTS=1", name)
		}
		t.Skipf("client %s is missing", name)
	}
	return path
}

// repoRoot is the folder holding go.mod, found upwards from the working
// directory (a test's working directory is its package's folder).
func repoRoot() (string, bool) {
	dir, err := os.Getwd()
	if err != nil {
		return "", false
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, true
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", false
		}
		dir = parent
	}
}
