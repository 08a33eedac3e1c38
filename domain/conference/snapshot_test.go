package conference_test

import (
	"encoding/json"
	"testing"

	"github.com/keylink/keylink/domain/conference"
)

// A snapshot taken after any step of a whole event restores an equal
// aggregate, which shares no memory with the original (later commands on
// the original leave it as it was) and goes on recording the same events.
func TestSnapshotRestore(t *testing.T) {
	c := &conference.Conference{}
	steps := story(c)
	snaps := make([][]byte, len(steps))
	restored := make([]*conference.Conference, len(steps))
	for i, step := range steps {
		if err := step(); err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
		b, err := c.Snapshot()
		if err != nil {
			t.Fatal(err)
		}
		r := &conference.Conference{}
		if err := r.Restore(b); err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
		if got, want := view(t, r), view(t, c); got != want {
			t.Fatalf("step %d: restored\n%s\nwant\n%s", i, got, want)
		}
		again, _ := r.Snapshot()
		if string(again) != string(b) {
			t.Fatalf("step %d: snapshot of the restored aggregate differs", i)
		}
		snaps[i], restored[i] = b, r
	}
	for i, r := range restored {
		if b, _ := r.Snapshot(); string(b) != string(snaps[i]) {
			t.Errorf("restored at step %d changed with later commands on the original", i)
		}
	}
	// Resume the story on each restored aggregate: the same events follow.
	full := recorded(t, c)
	for k, r := range restored[:len(restored)-1] {
		rest := story(r)[k+1:]
		for i, step := range rest {
			if err := step(); err != nil {
				t.Fatalf("resumed at %d, step %d: %v", k, k+1+i, err)
			}
		}
		got := recorded(t, r)
		if len(got) == 0 || len(got) > len(full) {
			t.Fatalf("resumed at step %d: %d events recorded of %d", k, len(got), len(full))
		}
		want := full[len(full)-len(got):]
		for i := range got {
			if got[i] != want[i] {
				t.Fatalf("resumed at step %d: event %d is %s, want %s", k, i, got[i], want[i])
			}
		}
		if view(t, r) != view(t, c) {
			t.Fatalf("resumed at step %d: state differs", k)
		}
	}
}

func recorded(t *testing.T, c *conference.Conference) []string {
	var out []string
	for _, e := range c.Changes() {
		b, err := json.Marshal(e)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, e.EventType()+string(b))
	}
	return out
}

func TestSnapshotRestoreRefuses(t *testing.T) {
	c := &conference.Conference{}
	for _, step := range story(c)[:3] {
		if err := step(); err != nil {
			t.Fatal(err)
		}
	}
	good, _ := c.Snapshot()
	for name, state := range map[string]string{
		"not JSON":      `{"id":`,
		"empty":         `{}`,
		"null":          `null`,
		"null request":  `{"id":"0193a1b2-0000-7000-8000-000000000001","firms":{},"booths":{},"interpreters":{},"requests":{"0193a1b2-0000-7000-8000-000000000002":null},"feedback":{},"outcomes":{}}`,
		"missing firms": `{"id":"0193a1b2-0000-7000-8000-000000000001","booths":{},"interpreters":{},"requests":{},"feedback":{},"outcomes":{}}`,
	} {
		if err := (&conference.Conference{}).Restore([]byte(state)); err == nil {
			t.Errorf("%s: restored", name)
		}
	}
	if err := c.Restore(good); err == nil {
		t.Error("restored into a loaded aggregate")
	}
	if c.SnapshotSchema() != conference.SnapshotSchema || conference.SnapshotSchema < 1 {
		t.Error("schema")
	}
}
