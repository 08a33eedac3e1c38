package api

import (
	"testing"

	"github.com/keylink/keylink/api/messages"

	"github.com/keylink/keylink/domain/buyer"
	"github.com/keylink/keylink/domain/conference"
	"github.com/keylink/keylink/domain/supplier"
	"github.com/keylink/keylink/eventstore"
)

// TestEverySummaryHasAFunction: every event type the system stores gets a
// sentence of its own, not the fallback made of its type's name.
func TestEverySummaryHasAFunction(t *testing.T) {
	// The streams with a history route.
	events := append(append(supplier.Events(), buyer.Events()...), conference.Events()...)
	for _, ev := range events {
		r := eventstore.Record{Type: ev.EventType(), Event: ev}
		if got := summary(r, messages.EN); got == summaryOfType(r.Type) || got == "" {
			t.Errorf("%s: summary %q", r.Type, got)
		}
	}
	if got := summaryOfType("ConferenceMeetingMoved"); got != "Conference meeting moved" {
		t.Errorf("summaryOfType = %q", got)
	}
}
