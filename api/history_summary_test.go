package api

import (
	"testing"

	"github.com/keylink/keylink/eventstore"
	"github.com/keylink/keylink/projections"
)

// TestEverySummaryHasAFunction: every event type the system stores gets a
// sentence of its own, not the fallback made of its type's name.
func TestEverySummaryHasAFunction(t *testing.T) {
	for _, ev := range projections.Events() {
		r := eventstore.Record{Type: ev.EventType(), Event: ev}
		if ev.EventType() == "AccountRegistered" { // accounts have no history route
			continue
		}
		if got := summary(r); got == summaryOfType(r.Type) || got == "" {
			t.Errorf("%s: summary %q", r.Type, got)
		}
	}
	if got := summaryOfType("ConferenceMeetingMoved"); got != "Conference meeting moved" {
		t.Errorf("summaryOfType = %q", got)
	}
}
