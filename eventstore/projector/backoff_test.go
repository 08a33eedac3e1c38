package projector

import (
	"errors"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill"
)

func TestAdaptiveBackoff(t *testing.T) {
	const ms = time.Millisecond
	b := newAdaptiveBackoff(15*ms, time.Second)
	log := watermill.NopLogger{}
	steps := []struct {
		name  string
		noMsg bool
		err   error
		want  time.Duration
	}{
		{"idle at start", true, nil, 15 * ms},
		{"still idle", true, nil, 15 * ms},
		{"a batch", false, nil, 0},
		{"another batch", false, nil, 0},
		{"first empty poll after a batch", true, nil, 1 * ms},
		{"second", true, nil, 2 * ms},
		{"third", true, nil, 4 * ms},
		{"fourth", true, nil, 8 * ms},
		{"capped at the poll interval", true, nil, 15 * ms},
		{"stays there", true, nil, 15 * ms},
		{"a batch again", false, nil, 0},
		{"fast again", true, nil, 1 * ms},
		{"an error waits the retry interval", false, errors.New("connection refused"), time.Second},
		{"and idles after", true, nil, 15 * ms},
	}
	for _, s := range steps {
		if got := b.HandleError(log, s.noMsg, s.err); got != s.want {
			t.Fatalf("%s: waited %v, want %v", s.name, got, s.want)
		}
	}
}
