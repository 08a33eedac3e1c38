package directory_test

import "github.com/keylink/keylink/projections/projectionstest"

// Short names for projectionstest's environment and fixtures.
var (
	newEnv       = projectionstest.NewEnv
	newID        = projectionstest.NewID
	registration = projectionstest.Registration
	capability   = projectionstest.Capability
	date         = projectionstest.Date
)

func ptr[T any](v T) *T { return &v }
