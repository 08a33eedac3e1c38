package search_test

import "github.com/keylink/keylink/projections/projectionstest"

// Short names for projectionstest's environment and fixtures.
type env = projectionstest.Env

var (
	newEnv       = projectionstest.NewEnv
	newID        = projectionstest.NewID
	registration = projectionstest.Registration
	capability   = projectionstest.Capability
	wantFields   = projectionstest.WantFields
)
