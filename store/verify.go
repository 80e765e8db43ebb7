package store

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"os"
	"runtime/debug"
	"time"

	bolt "go.etcd.io/bbolt"
)

// ErrDamaged is wrapped by the errors of Open, Compact and CheckFile when the
// file is not a whole bbolt store: empty, cut short, or with pages that do
// not say what its meta page and its tree say they are.
var ErrDamaged = errors.New("damaged or not a store")

// bbolt v1.5's file layout (go.etcd.io/bbolt/internal/common), read here
// before bbolt maps the file: bbolt trusts its pages blindly, and when
// opening for writing with NoFreelistSync it walks the whole tree in a
// goroutine of its own, where a damaged page is a panic or a fault that no
// caller can recover.
const (
	boltMagic      = 0xED0CDAED
	boltVersion    = 2
	pageHeaderSize = 16 // id u64, flags u16, count u16, overflow u32
	elemSize       = 16 // branch: pos, ksize u32, pgid u64; leaf: flags, pos, ksize, vsize u32
	bucketHdrSize  = 16 // root pgid u64, sequence u64
	metaSumLen     = 56 // the meta fields before its checksum
	flagBranch     = 0x01
	flagLeaf       = 0x02
	flagMeta       = 0x04
	flagFreelist   = 0x10
	leafBucketFlag = 0x01
	noFreelist     = ^uint64(0)
	minPageSize    = 512
	maxPageSize    = 1 << 20
)

// boltMeta is the part of a meta page the check needs.
type boltMeta struct {
	pageSize       uint64
	root, freelist uint64
	pgid, txid     uint64
}

// readMeta decodes and validates the meta page at the start of p (a whole
// page, header included) as bbolt's Meta.Validate does, and more: the page's
// own header, a sane page size, and a root and freelist below the
// high-water mark.
func readMeta(p []byte, id uint64) (boltMeta, error) {
	var m boltMeta
	if len(p) < pageHeaderSize+64 {
		return m, fmt.Errorf("meta page %d is cut short", id)
	}
	le := binary.LittleEndian
	b := p[pageHeaderSize:]
	if le.Uint32(b[0:]) != boltMagic {
		return m, fmt.Errorf("meta page %d has no bbolt magic number", id)
	}
	if v := le.Uint32(b[4:]); v != boltVersion {
		return m, fmt.Errorf("meta page %d is bbolt format version %d, not %d", id, v, boltVersion)
	}
	h := fnv.New64a()
	h.Write(b[:metaSumLen])
	if h.Sum64() != le.Uint64(b[metaSumLen:]) {
		return m, fmt.Errorf("meta page %d fails its checksum", id)
	}
	if pid, flags := le.Uint64(p[0:]), le.Uint16(p[8:]); pid != id || flags != flagMeta {
		return m, fmt.Errorf("meta page %d says it is page %d of type %#x", id, pid, flags)
	}
	m = boltMeta{
		pageSize: uint64(le.Uint32(b[8:])),
		root:     le.Uint64(b[16:]),
		freelist: le.Uint64(b[32:]),
		pgid:     le.Uint64(b[40:]),
		txid:     le.Uint64(b[48:]),
	}
	switch {
	case m.pageSize < minPageSize || m.pageSize > maxPageSize || m.pageSize&(m.pageSize-1) != 0:
		return m, fmt.Errorf("meta page %d gives a page size of %d", id, m.pageSize)
	case m.root < 2 || m.root >= m.pgid:
		return m, fmt.Errorf("meta page %d puts the root at page %d, outside pages 2 to %d", id, m.root, m.pgid-1)
	case m.freelist != noFreelist && (m.freelist < 2 || m.freelist >= m.pgid):
		return m, fmt.Errorf("meta page %d puts the free list at page %d, outside pages 2 to %d", id, m.freelist, m.pgid-1)
	}
	return m, nil
}

// verifyFile checks the store file at path before bbolt opens it, in the
// calling goroutine, and reports what is wrong (at most limit problems; the
// first makes the file unusable). It reports exists=false, and no problem,
// when there is no file: Open then creates a new store.
//
// It checks both meta pages (bbolt would silently fall back to the older one
// when the newer fails its checksum: at rest, that means the medium changed
// the file, and the operator should know), that the file holds every page
// the meta page counts, and walks the page tree the newer meta page roots:
// every page it reaches is below the high-water mark, says it is the page it
// was reached as, is a branch or leaf reached once, holds its elements and
// keys inside itself, in order; every bucket value is whole. That is what
// bbolt's own open walk (its free-page rebuild) asserts; a walk that
// passes here cannot panic there. The file is mapped read-only with
// debug.SetPanicOnFault, so a fault (a file cut short under us, an I/O error)
// is a problem too, not a crash.
//
// The walk reads every branch and leaf page once, as bbolt's rebuild does
// after it: it adds a quarter to a half to the time an open takes
// (BenchmarkOpen; README's "Damaged stores and configs").
func verifyFile(path string, exclusive bool, timeout time.Duration, limit int) (exists bool, problems []error, err error) {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return false, nil, nil
	}
	if err != nil {
		return true, nil, err
	}
	defer f.Close()
	// The lock bbolt takes, for the length of the check, so that no daemon
	// commits under it; released on return (f.Close) for bbolt to take.
	if err := lockFile(f, exclusive, timeout); err != nil {
		return true, nil, err
	}
	fi, err := f.Stat()
	if err != nil {
		return true, nil, err
	}
	size := fi.Size()
	if !fi.Mode().IsRegular() {
		return true, []error{fmt.Errorf("%w: not a regular file", ErrDamaged)}, nil
	}
	if size == 0 {
		return true, []error{fmt.Errorf("%w: the file is empty (0 bytes)", ErrDamaged)}, nil
	}
	damaged := func(err error) []error { return []error{fmt.Errorf("%w: %w", ErrDamaged, err)} }

	// Page 0 tells the page size; page 1 is read at that size, or at the
	// OS's when page 0 cannot say.
	head := make([]byte, 4096)
	n, err := f.ReadAt(head, 0)
	if err != nil && !errors.Is(err, io.EOF) {
		return true, nil, err
	}
	if n < pageHeaderSize+64 {
		return true, damaged(fmt.Errorf("the file is %d bytes, too short for a bbolt meta page", size)), nil
	}
	m0, err0 := readMeta(head[:n], 0)
	psz := int64(os.Getpagesize())
	if err0 == nil {
		psz = int64(m0.pageSize)
	}
	p1 := make([]byte, pageHeaderSize+64)
	var m1 boltMeta
	var err1 error
	if k, err := f.ReadAt(p1, psz); k < len(p1) {
		if err != nil && !errors.Is(err, io.EOF) {
			return true, nil, err
		}
		err1 = fmt.Errorf("the file is %d bytes, cut short before meta page 1", size)
	} else {
		m1, err1 = readMeta(p1, 1)
	}
	for _, err := range []error{err0, err1} {
		if err != nil {
			problems = append(problems, fmt.Errorf("%w: %w", ErrDamaged, err))
		}
	}
	if err0 == nil && err1 == nil && m0.pageSize != m1.pageSize {
		problems = append(problems, fmt.Errorf("%w: the meta pages disagree on the page size (%d and %d)", ErrDamaged, m0.pageSize, m1.pageSize))
	}
	if len(problems) > 0 {
		return true, problems, nil
	}
	m := m0 // the newer, as bbolt picks it
	if m1.txid > m0.txid {
		m = m1
	}
	if m.pgid > uint64(size)/m.pageSize {
		return true, damaged(fmt.Errorf("truncated: the file is %d bytes, but its meta page counts %d pages of %d bytes (%d bytes)",
			size, m.pgid, m.pageSize, m.pgid*m.pageSize)), nil
	}
	data, unmap, err := mapFile(f, int(m.pgid*m.pageSize))
	if err != nil {
		return true, nil, fmt.Errorf("map %s: %w", path, err)
	}
	defer unmap()
	w := &pageWalker{data: data, psz: m.pageSize, hwm: m.pgid, seen: make([]uint64, (m.pgid+63)/64), limit: limit}
	w.walk(m)
	return true, w.problems, nil
}

// pageWalker walks a mapped bbolt file's page tree. Every read of data is
// bounds-checked against the page being read, so only a fault of the
// mapping itself can panic, and walk turns that into a problem.
type pageWalker struct {
	data     []byte
	psz      uint64
	hwm      uint64
	seen     []uint64 // a bit per page reached
	limit    int
	problems []error
}

// errEnough stops a walk that has found as many problems as it may report.
var errEnough = errors.New("enough problems")

func (w *pageWalker) bad(format string, args ...any) {
	w.problems = append(w.problems, fmt.Errorf("%w: "+format, append([]any{ErrDamaged}, args...)...))
	if len(w.problems) >= w.limit {
		panic(errEnough)
	}
}

func (w *pageWalker) walk(m boltMeta) {
	old := debug.SetPanicOnFault(true)
	defer debug.SetPanicOnFault(old)
	defer func() {
		switch r := recover().(type) {
		case nil:
		case error:
			if r == errEnough {
				return
			}
			if f, ok := r.(interface{ Addr() uintptr }); ok {
				w.problems = append(w.problems, fmt.Errorf("%w: reading the file faulted at %#x: it changed under the check, or the disk failed", ErrDamaged, f.Addr()))
				return
			}
			panic(r)
		default:
			panic(r)
		}
	}()
	w.mark(0, 0, "meta")
	w.mark(1, 0, "meta")
	if m.freelist != noFreelist {
		w.freelist(m.freelist)
	}
	w.page(m.root, nil, nil, "the root bucket")
}

// mark records that pages id to id+overflow are reached; false when one of
// them was reached before.
func (w *pageWalker) mark(id uint64, overflow uint64, from string) bool {
	for i := id; i <= id+overflow; i++ {
		if w.seen[i/64]&(1<<(i%64)) != 0 {
			w.bad("page %d (reached from %s) is reached twice", i, from)
			return false
		}
		w.seen[i/64] |= 1 << (i % 64)
	}
	return true
}

// span returns page id whole, overflow pages included, after checking its
// header says it is that page, of one of the types in want.
func (w *pageWalker) span(id uint64, from string, want ...uint16) ([]byte, bool) {
	if id < 2 || id >= w.hwm {
		w.bad("%s points to page %d, outside pages 2 to %d", from, id, w.hwm-1)
		return nil, false
	}
	le := binary.LittleEndian
	p := w.data[id*w.psz : (id+1)*w.psz]
	pid, flags, overflow := le.Uint64(p[0:]), le.Uint16(p[8:]), uint64(le.Uint32(p[12:]))
	if pid != id {
		w.bad("page %d (reached from %s) says it is page %d", id, from, pid)
		return nil, false
	}
	ok := false
	for _, f := range want {
		ok = ok || flags == f
	}
	if !ok {
		w.bad("page %d (reached from %s) has type %#x", id, from, flags)
		return nil, false
	}
	if overflow >= w.hwm-id {
		w.bad("page %d (reached from %s) runs %d pages past the last page", id, from, id+overflow+1-w.hwm)
		return nil, false
	}
	if !w.mark(id, overflow, from) {
		return nil, false
	}
	return w.data[id*w.psz : (id+overflow+1)*w.psz], true
}

func (w *pageWalker) freelist(id uint64) {
	p, ok := w.span(id, "the meta page's free list", flagFreelist)
	if !ok {
		return
	}
	le := binary.LittleEndian
	n, off := uint64(le.Uint16(p[10:])), uint64(pageHeaderSize)
	if n == 0xFFFF {
		n, off = le.Uint64(p[pageHeaderSize:]), pageHeaderSize+8
	}
	if n > (uint64(len(p))-off)/8 {
		w.bad("free-list page %d counts %d pages, more than it holds", id, n)
		return
	}
	for i := range n {
		if f := le.Uint64(p[off+8*i:]); f < 2 || f >= w.hwm {
			w.bad("free-list page %d lists page %d, outside pages 2 to %d", id, f, w.hwm-1)
			return
		}
	}
}

// page checks the branch or leaf page id and, below it, its subtree: every
// key in [lo, hi) (nil: unbounded) and in order, bucket values whole.
func (w *pageWalker) page(id uint64, lo, hi []byte, from string) {
	p, ok := w.span(id, from, flagBranch, flagLeaf)
	if !ok {
		return
	}
	w.elements(p, fmt.Sprintf("page %d", id), lo, hi)
}

// elements checks the elements of page p (a mapped page, or an inline
// bucket's page inside a value; what names it in problems).
func (w *pageWalker) elements(p []byte, what string, lo, hi []byte) {
	le := binary.LittleEndian
	flags, count := le.Uint16(p[8:]), uint64(le.Uint16(p[10:]))
	if count > (uint64(len(p))-pageHeaderSize)/elemSize {
		w.bad("%s counts %d elements, more than it holds", what, count)
		return
	}
	branch := flags == flagBranch
	prev := lo
	for i := range count {
		e := pageHeaderSize + i*elemSize
		var pos, ksize, vsize uint64
		if branch {
			pos, ksize = uint64(le.Uint32(p[e:])), uint64(le.Uint32(p[e+4:]))
		} else {
			pos, ksize, vsize = uint64(le.Uint32(p[e+4:])), uint64(le.Uint32(p[e+8:])), uint64(le.Uint32(p[e+12:]))
		}
		if e+pos+ksize+vsize > uint64(len(p)) {
			w.bad("%s: element %d lies outside the page", what, i)
			return
		}
		key := p[e+pos : e+pos+ksize]
		if prev != nil && (bytes.Compare(prev, key) > 0 || i > 0 && bytes.Equal(prev, key)) || hi != nil && bytes.Compare(key, hi) >= 0 {
			w.bad("%s: key %d is out of order", what, i)
			return
		}
		prev = key
		if branch {
			next := hi
			if i+1 < count {
				f := pageHeaderSize + (i+1)*elemSize
				fpos, fks := uint64(le.Uint32(p[f:])), uint64(le.Uint32(p[f+4:]))
				if f+fpos+fks > uint64(len(p)) {
					w.bad("%s: element %d lies outside the page", what, i+1)
					return
				}
				next = p[f+fpos : f+fpos+fks]
			}
			w.page(le.Uint64(p[e+8:]), key, next, what)
			continue
		}
		if le.Uint32(p[e:])&leafBucketFlag == 0 {
			continue
		}
		v := p[e+pos+ksize : e+pos+ksize+vsize]
		if len(v) < bucketHdrSize {
			w.bad("%s: bucket %q has a value of %d bytes", what, key, len(v))
			return
		}
		if root := le.Uint64(v); root != 0 {
			w.page(root, nil, nil, fmt.Sprintf("bucket %q", key))
			continue
		}
		inline := v[bucketHdrSize:]
		if len(inline) < pageHeaderSize || le.Uint16(inline[8:]) != flagLeaf {
			w.bad("%s: inline bucket %q holds no leaf page", what, key)
			return
		}
		w.elements(inline, fmt.Sprintf("inline bucket %q", key), nil, nil)
	}
}

// view is db.View for the store's readers, with a fault reading the mapped
// file (an I/O error of a failing disk, the file cut short under the
// daemon) turned into an error wrapping ErrDamaged instead of a crash:
// Open checked the file whole, but it can be damaged after. bbolt rolls the
// read transaction back as the panic passes. Other panics are not caught.
func (s *Store) view(fn func(*bolt.Tx) error) (err error) {
	old := debug.SetPanicOnFault(true)
	defer func() {
		debug.SetPanicOnFault(old)
		if r := recover(); r != nil {
			f, ok := r.(interface{ Addr() uintptr })
			if !ok {
				panic(r)
			}
			err = fmt.Errorf("store %s: %w: reading the file faulted at %#x: it was cut short or damaged while open, or the disk failed", s.path, ErrDamaged, f.Addr())
		}
	}()
	return s.db.View(fn)
}
