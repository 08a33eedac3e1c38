package main

import (
	"testing"

	"github.com/keylink/keylink/eventstore"
)

// The aggregate cache and snapshot settings: unset gives the store's
// defaults, a negative number turns them off, garbage is refused.
func TestStoreConfig(t *testing.T) {
	t.Setenv("DATABASE_URL", "postgres://x")
	for _, tc := range []struct {
		cache, every string
		bytes        int64
		snap         int
		bad          bool
	}{
		{"", "", 0, 0, false},
		{"64", "200", 64 << 20, 200, false},
		{"-1", "-1", -1, -1, false},
		{"lots", "", 0, 0, true},
		{"", "1.5", 0, 0, true},
	} {
		t.Setenv("KEYLINK_AGGREGATE_CACHE_MB", tc.cache)
		t.Setenv("KEYLINK_SNAPSHOT_EVERY", tc.every)
		c, err := loadConfig()
		if (err != nil) != tc.bad {
			t.Errorf("%q %q: err %v", tc.cache, tc.every, err)
			continue
		}
		if tc.bad {
			continue
		}
		got := c.storeConfig(eventstore.Config{})
		if got.AggregateCacheBytes != tc.bytes || got.SnapshotEvery != tc.snap {
			t.Errorf("%q %q: %d bytes, every %d", tc.cache, tc.every, got.AggregateCacheBytes, got.SnapshotEvery)
		}
	}
}
