package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	bin "encoding/binary"
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tributary-feeds/tributary/article"
	"github.com/tributary-feeds/tributary/store"
)

var (
	wholeOnce  sync.Once
	wholeBytes []byte
)

// wholeStore writes a store of a few MiB (several sources, 3,000 articles
// of ~1.5 KB) through the store's API, once, and returns its bytes.
func wholeStore(t *testing.T) []byte {
	t.Helper()
	wholeOnce.Do(func() { wholeBytes = buildWholeStore(t) })
	if wholeBytes == nil {
		t.Fatal("the whole store could not be built")
	}
	return bytes.Clone(wholeBytes)
}

func buildWholeStore(t *testing.T) []byte {
	path := filepath.Join(t.TempDir(), "whole.db")
	ctx := context.Background()
	st, err := store.Open(ctx, path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	body := strings.Repeat("<p>the river ran high in spring and the herons came back</p>", 25)
	pub := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for s := range 6 {
		src := fmt.Sprintf("source-%d", s)
		var arts []article.Article
		for i := range 500 {
			guid := fmt.Sprintf("g%d", i)
			p := pub.Add(time.Duration(s*500+i) * time.Minute)
			arts = append(arts, article.Article{ID: article.NewID(src, guid, "", "", p), Source: src, GUID: guid,
				Title: "Article " + guid, Published: p, Content: body})
		}
		if _, err := st.Apply(ctx, src, store.SourceState{URL: "http://127.0.0.1:1/" + src}, arts); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(b) < 4<<20 {
		t.Fatalf("the whole store is only %d bytes", len(b))
	}
	return b
}

// damagedStores are ways a store file gets damaged, each made from whole.
func damagedStores(whole []byte) map[string][]byte {
	clone := func() []byte { return bytes.Clone(whole) }
	psz := int(bin.LittleEndian.Uint32(whole[16+8:]))
	r := rand.New(rand.NewPCG(12, 10))
	flip := func(b []byte, lo, hi, n int) []byte {
		for range n {
			i := lo + r.IntN(hi-lo)
			b[i] ^= 1 << r.IntN(8)
		}
		return b
	}
	zeroMiB := clone()
	mid := len(whole) / 2
	clear(zeroMiB[mid-1<<19 : mid+1<<19])
	// Bits flipped in the page headers and element arrays of every data
	// page: a damaged disk block, as the tree sees it. (bbolt keeps no
	// checksum of data: a bit flipped inside an article's bytes is found
	// when that article is read, or by check-store.)
	headers := clone()
	for p := 2 * psz; p < len(headers); p += psz {
		flip(headers, p, p+64, 1)
	}
	garbage := make([]byte, 64<<10)
	for i := range garbage {
		garbage[i] = byte(r.Uint32())
	}
	return map[string][]byte{
		"empty":            {},
		"first half":       clone()[:len(whole)/2],
		"first 3 pages":    clone()[:3*psz],
		"half a page":      clone()[:psz/2],
		"zeroed MiB":       zeroMiB,
		"meta 0 bits":      flip(clone(), 16, 16+64, 3),
		"meta 1 bits":      flip(clone(), psz+16, psz+16+64, 3),
		"both metas zero":  func() []byte { b := clone(); clear(b[:2*psz]); return b }(),
		"data page bits":   headers,
		"garbage":          garbage,
		"zeroed last half": func() []byte { b := clone(); clear(b[len(b)/2:]); return b }(),
	}
}

// TestDamagedStoreIsAnError runs run, fetch, compact and check-store on
// damaged store files: each ends with exit 1 and one clear line naming the
// file and what to do, never a goroutine dump, and leaves the file as it
// was. Without the check before bbolt maps the file, bbolt panics from its
// own goroutine or faults (SIGBUS/SIGSEGV), and an empty file becomes a new
// store.
func TestDamagedStoreIsAnError(t *testing.T) {
	whole := wholeStore(t)
	for name, b := range damagedStores(whole) {
		t.Run(strings.ReplaceAll(name, " ", "_"), func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			db := filepath.Join(dir, "store", "tributary.db")
			if err := os.MkdirAll(filepath.Dir(db), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(db, b, 0o600); err != nil {
				t.Fatal(err)
			}
			sum := sha256.Sum256(b)
			cfg := writeConfig(t, dir, fmt.Sprintf(`
[server]
listen = %q
[store]
path = "store/tributary.db"
[[source]]
name = "one"
url = "http://127.0.0.1:1/feed.xml"
`, freeAddr(t)))
			for _, cmd := range []string{"run", "fetch", "compact", "check-store"} {
				out, code := runCLI(t, cmd, "--config", cfg)
				lines := strings.Split(strings.TrimSpace(out), "\n")
				last := lines[len(lines)-1]
				switch {
				case code != 1:
					t.Errorf("%s: exit %d, want 1\n%s", cmd, code, out)
				case strings.Contains(out, "goroutine ") || strings.Contains(out, "panic"):
					t.Errorf("%s: a dump, not an error\n%s", cmd, out)
				case cmd != "check-store" && len(lines) != 1:
					t.Errorf("%s: %d lines, want one\n%s", cmd, len(lines), out)
				case !strings.Contains(last, db) || !strings.Contains(last, "restore it from a backup") || !strings.Contains(out, "damaged"):
					t.Errorf("%s: the error does not name the file, the damage and what to do\n%s", cmd, out)
				}
				if testing.Verbose() && cmd == "fetch" {
					t.Logf("%s", out)
				}
				got, err := os.ReadFile(db)
				if err != nil || sha256.Sum256(got) != sum {
					t.Fatalf("%s changed the file (%v)", cmd, err)
				}
			}
			if _, err := os.Stat(db + ".compact"); err == nil {
				t.Errorf("compact left %s.compact", db)
			}
		})
	}
}

// TestWholeStoreStillOpens: the check passes a whole store, and check-store
// says so; a missing file is still a new, empty store.
func TestWholeStoreStillOpens(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "tributary.db")
	if err := os.WriteFile(db, wholeStore(t), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := writeConfig(t, dir, "[store]\npath = \"tributary.db\"\n[[source]]\nname = \"one\"\nurl = \"http://127.0.0.1:1/feed.xml\"\n")
	if out, code := runCLI(t, "check-store", "--config", cfg); code != 0 || !strings.Contains(out, db+": ok") {
		t.Errorf("check-store on a whole store: exit %d\n%s", code, out)
	}
	if out, code := runCLI(t, "compact", "--config", cfg); code != 0 {
		t.Errorf("compact on a whole store: exit %d\n%s", code, out)
	}
	assertStoreHolds(t, db, 3000)

	fresh := filepath.Join(dir, "new", "tributary.db")
	cfg = writeConfig(t, dir, "[store]\npath = \"new/tributary.db\"\n[[source]]\nname = \"one\"\nurl = \"http://127.0.0.1:1/feed.xml\"\n")
	if out, code := runCLI(t, "fetch", "--config", cfg); code != 1 || !strings.Contains(out, "one: error") {
		t.Errorf("fetch into a new store: exit %d\n%s", code, out)
	}
	assertStoreHolds(t, fresh, 0)
}

// TestListenPortInUseCreatesNoStore: a daemon whose port is taken says so,
// naming the address, and exits 1 before it creates the store's folder or
// file.
func TestListenPortInUseCreatesNoStore(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	dir := t.TempDir()
	cfg := writeConfig(t, dir, fmt.Sprintf("[server]\nlisten = %q\n[store]\npath = \"state/tributary.db\"\n[[source]]\nname = \"one\"\nurl = \"http://127.0.0.1:1/feed.xml\"\n", ln.Addr()))
	out, code := runCLI(t, "run", "--config", cfg)
	if code != 1 || !strings.Contains(out, "listen on "+ln.Addr().String()) || !strings.Contains(out, "address already in use") {
		t.Errorf("exit %d, want 1 and a line naming %s\n%s", code, ln.Addr(), out)
	}
	if _, err := os.Stat(filepath.Join(dir, "state")); !os.IsNotExist(err) {
		t.Errorf("the store's folder was created (%v)", err)
	}
}
