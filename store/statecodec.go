package store

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
)

// Source states are stored in the articles' binary form (codec.go): a
// leading codec byte, then every field in a fixed order. A state is read on
// every fetch of its source, written after it: an all-304 pass is mostly
// this, and JSON decoding was a third of it (bench/README.md). States
// written as JSON (a leading '{') by earlier versions still read.
//
// Adding a field to SourceState or EnrichRetry: append it at the end of
// encodeState/decodeState (or of the retry entry), never in between. A
// record written before the field existed ends at a field boundary and
// leaves it zero. TestStateCodecEveryField fails until the codec carries
// the new field.
const stateCodecV1 = 0x01

func encodeState(st *SourceState) []byte {
	b := make([]byte, 0, 128+len(st.Name)+len(st.URL)+len(st.EffectiveURL)+len(st.Title)+
		len(st.Link)+len(st.ETag)+len(st.LastModified)+len(st.BodyHash)+len(st.Error)+
		len(st.NextReason)+len(st.RedirectURL)+len(st.LastEnrichError)+40*len(st.Unenriched))
	b = append(b, stateCodecV1)
	b = putString(b, st.Name)
	b = putString(b, st.URL)
	b = putString(b, st.EffectiveURL)
	b = putString(b, st.Title)
	b = putBool(b, st.TitlePlain)
	b = putString(b, st.Link)
	b = putString(b, st.ETag)
	b = putString(b, st.LastModified)
	b = putString(b, st.BodyHash)
	b = putTime(b, st.LastAttempt)
	b = putTime(b, st.LastSuccess)
	b = binary.AppendVarint(b, int64(st.Status))
	b = putString(b, st.Error)
	b = binary.AppendVarint(b, int64(st.Failures))
	b = putTime(b, st.NextAttempt)
	b = putString(b, st.NextReason)
	b = putBool(b, st.Gone)
	b = putString(b, st.RedirectURL)
	b = binary.AppendVarint(b, int64(st.RedirectCount))
	b = binary.AppendVarint(b, int64(st.EnrichAttempts))
	b = binary.AppendVarint(b, int64(st.EnrichFailures))
	b = putString(b, st.LastEnrichError)
	b = binary.AppendUvarint(b, uint64(len(st.Unenriched)))
	var entry []byte
	for _, id := range slices.Sorted(maps.Keys(st.Unenriched)) {
		r := st.Unenriched[id]
		// Each retry is length-prefixed, so that EnrichRetry may grow.
		entry = putString(entry[:0], id)
		entry = binary.AppendVarint(entry, int64(r.Attempts))
		entry = putTime(entry, r.Next)
		entry = putBool(entry, r.Refused)
		b = putString(b, string(entry))
	}
	b = binary.AppendVarint(b, int64(st.ItemsTotal))
	b = binary.AppendVarint(b, int64(st.ItemsCut))
	return b
}

// decodeState reads a stored source state: the binary form, or JSON.
func decodeState(v []byte) (SourceState, error) {
	var st SourceState
	if len(v) == 0 {
		return st, errTruncated
	}
	if v[0] == '{' {
		err := json.Unmarshal(v, &st)
		return st, err
	}
	if v[0] != stateCodecV1 {
		return st, fmt.Errorf("unknown source state codec %#x", v[0])
	}
	d := decoder{b: v[1:]}
	st.Name = d.str()
	st.URL = d.str()
	st.EffectiveURL = d.str()
	st.Title = d.str()
	st.TitlePlain = d.byte() == 1
	st.Link = d.str()
	st.ETag = d.str()
	st.LastModified = d.str()
	st.BodyHash = d.str()
	st.LastAttempt = d.time()
	st.LastSuccess = d.time()
	st.Status = int(d.varint())
	st.Error = d.str()
	st.Failures = int(d.varint())
	st.NextAttempt = d.time()
	st.NextReason = d.str()
	st.Gone = d.byte() == 1
	st.RedirectURL = d.str()
	st.RedirectCount = int(d.varint())
	st.EnrichAttempts = int(d.varint())
	st.EnrichFailures = int(d.varint())
	st.LastEnrichError = d.str()
	if n := d.count(); n > 0 {
		st.Unenriched = make(map[string]EnrichRetry, n)
		for range n {
			e := decoder{b: d.bytes()}
			id := e.str()
			r := EnrichRetry{Attempts: int(e.varint()), Next: e.time(), Refused: e.byte() == 1}
			if e.err != nil {
				d.err = e.err
			}
			st.Unenriched[id] = r
		}
	}
	st.ItemsTotal = int(d.varint())
	st.ItemsCut = int(d.varint())
	if d.err != nil {
		return SourceState{}, fmt.Errorf("source state: %w", d.err)
	}
	return st, nil
}

func putBool(b []byte, v bool) []byte {
	if v {
		return append(b, 1)
	}
	return append(b, 0)
}

// bytes reads a length-prefixed run of bytes (not copied).
func (d *decoder) bytes() []byte {
	n := d.count()
	if d.err != nil || n == 0 {
		return nil
	}
	out := d.b[:n]
	d.b = d.b[n:]
	return out
}
