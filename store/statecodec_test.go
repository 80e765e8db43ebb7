package store

import (
	"bytes"
	"encoding/gob"
	"encoding/json"
	"fmt"
	"reflect"
	"testing"
	"time"
)

// fillEvery sets every exported field under v (structs, maps, slices,
// pointers, recursively) to a non-zero value that differs per field, and
// fails on a kind it does not know: a field added later cannot go unfilled.
func fillEvery(t *testing.T, v reflect.Value, path string, seed *int) {
	t.Helper()
	*seed++
	n := *seed
	if v.Type() == reflect.TypeOf(time.Time{}) {
		v.Set(reflect.ValueOf(time.Unix(1_700_000_000+int64(n)*3607, int64(n)*1001).UTC()))
		return
	}
	switch v.Kind() {
	case reflect.String:
		v.SetString(fmt.Sprintf("%s-%d-é", path, n))
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		v.SetInt(int64(n) * 7)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		v.SetUint(uint64(n) * 7)
	case reflect.Float32, reflect.Float64:
		v.SetFloat(float64(n) + 0.5)
	case reflect.Struct:
		for i := range v.NumField() {
			if f := v.Type().Field(i); f.IsExported() {
				fillEvery(t, v.Field(i), path+"."+f.Name, seed)
			}
		}
	case reflect.Pointer:
		p := reflect.New(v.Type().Elem())
		fillEvery(t, p.Elem(), path, seed)
		v.Set(p)
	case reflect.Slice:
		s := reflect.MakeSlice(v.Type(), 2, 2)
		for i := range 2 {
			fillEvery(t, s.Index(i), fmt.Sprintf("%s[%d]", path, i), seed)
		}
		v.Set(s)
	case reflect.Map:
		m := reflect.MakeMap(v.Type())
		for i := range 2 {
			k := reflect.New(v.Type().Key()).Elem()
			fillEvery(t, k, fmt.Sprintf("%s.key%d", path, i), seed)
			e := reflect.New(v.Type().Elem()).Elem()
			fillEvery(t, e, fmt.Sprintf("%s[%d]", path, i), seed)
			m.SetMapIndex(k, e)
		}
		v.Set(m)
	default:
		t.Fatalf("%s: fillEvery does not know %s; teach it, and the state codec", path, v.Kind())
	}
}

// TestStateCodecEveryField fills every exported field of SourceState,
// nested ones included, and asks for an exact round trip: a field added to
// SourceState or EnrichRetry without the codec carrying it fails here.
func TestStateCodecEveryField(t *testing.T) {
	var st SourceState
	seed := 0
	fillEvery(t, reflect.ValueOf(&st).Elem(), "SourceState", &seed)
	// Each field, alone, must survive too: a codec that swaps two fields of
	// the same type would pass the full round trip only by luck.
	v := reflect.ValueOf(st)
	for i := range v.NumField() {
		if !v.Type().Field(i).IsExported() {
			continue
		}
		var one SourceState
		reflect.ValueOf(&one).Elem().Field(i).Set(v.Field(i))
		got, err := decodeState(encodeState(&one))
		if err != nil {
			t.Fatalf("%s: %v", v.Type().Field(i).Name, err)
		}
		if !reflect.DeepEqual(got, one) {
			t.Errorf("%s alone: round trip\n got %+v\nwant %+v", v.Type().Field(i).Name, got, one)
		}
	}
	got, err := decodeState(encodeState(&st))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, st) {
		t.Errorf("round trip\n got %+v\nwant %+v", got, st)
	}
	if got, _ := decodeState(encodeState(&SourceState{})); !reflect.DeepEqual(got, SourceState{}) {
		t.Errorf("zero state: round trip gives %+v", got)
	}
}

// TestStateCodecReadsJSON: states written by earlier versions (JSON) read,
// and are equal to the same state through the binary form.
func TestStateCodecReadsJSON(t *testing.T) {
	var st SourceState
	seed := 0
	fillEvery(t, reflect.ValueOf(&st).Elem(), "SourceState", &seed)
	js, err := json.Marshal(st)
	if err != nil {
		t.Fatal(err)
	}
	got, err := decodeState(js)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, st) {
		t.Errorf("JSON state\n got %+v\nwant %+v", got, st)
	}
}

// TestStateCodecDamaged: a cut or unknown record is an error, never a panic
// or a half state.
func TestStateCodecDamaged(t *testing.T) {
	var st SourceState
	seed := 0
	fillEvery(t, reflect.ValueOf(&st).Elem(), "SourceState", &seed)
	v := encodeState(&st)
	for n := 1; n < len(v); n++ {
		got, err := decodeState(v[:n])
		if err == nil && reflect.DeepEqual(got, st) {
			t.Fatalf("cut at %d of %d: decoded as the whole state", n, len(v))
		}
	}
	if _, err := decodeState([]byte{0x7e, 1, 2}); err == nil {
		t.Error("unknown codec byte: no error")
	}
	if _, err := decodeState(nil); err == nil {
		t.Error("empty record: no error")
	}
}

// TestStateOlderRecordReads: a record written before a field was appended
// (here: cut at a field boundary before Unenriched) reads, with the
// missing fields zero.
func TestStateOlderRecordReads(t *testing.T) {
	st := SourceState{Name: "a", URL: "https://a.example/feed", ETag: `"x"`, Status: 304}
	v := encodeState(&st)
	v = v[:len(v)-1] // the empty Unenriched count
	got, err := decodeState(v)
	if err != nil || !reflect.DeepEqual(got, st) {
		t.Errorf("older record: %+v, %v", got, err)
	}
}

// FuzzDecodeState: any bytes are a state or an error, never a panic.
func FuzzDecodeState(f *testing.F) {
	f.Add(encodeState(&SourceState{Name: "a", Unenriched: map[string]EnrichRetry{"x": {Attempts: 2, Refused: true}}}))
	f.Add([]byte(`{"name":"a"}`))
	f.Add([]byte{stateCodecV1, 0xff, 0xff, 0xff})
	f.Fuzz(func(t *testing.T, v []byte) {
		st, err := decodeState(v)
		if err != nil {
			return
		}
		if _, err := decodeState(encodeState(&st)); err != nil {
			t.Fatalf("re-encoded state does not read: %v", err)
		}
	})
}

func BenchmarkStateCodec(b *testing.B) {
	st := SourceState{
		Name: "river", URL: "https://river.example/feed.xml", Title: "The River", TitlePlain: true,
		Link: "https://river.example/", ETag: `"5f3a-61b2c0"`, LastModified: "Fri, 04 Dec 2026 18:00:00 GMT",
		BodyHash: "9c1185a5c5e9fc54612808977ee8f548b2258d31", Status: 304,
		LastAttempt: time.Now().UTC(), LastSuccess: time.Now().UTC(), NextAttempt: time.Now().UTC(),
		NextReason: "schedule", EnrichAttempts: 40, EnrichFailures: 1,
	}
	js, _ := json.Marshal(st)
	bin := encodeState(&st)
	b.Run("binary-decode", func(b *testing.B) {
		for b.Loop() {
			if _, err := decodeState(bin); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("json-decode", func(b *testing.B) {
		for b.Loop() {
			var s SourceState
			if err := json.Unmarshal(js, &s); err != nil {
				b.Fatal(err)
			}
		}
	})
	var gb bytes.Buffer
	if err := gob.NewEncoder(&gb).Encode(st); err != nil {
		b.Fatal(err)
	}
	gobRecord := gb.Bytes()
	b.Run("gob-decode", func(b *testing.B) {
		for b.Loop() {
			var s SourceState
			if err := gob.NewDecoder(bytes.NewReader(gobRecord)).Decode(&s); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("binary-encode", func(b *testing.B) {
		for b.Loop() {
			encodeState(&st)
		}
	})
	b.Run("json-encode", func(b *testing.B) {
		for b.Loop() {
			json.Marshal(st)
		}
	})
}
