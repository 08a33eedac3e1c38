package programme_test

import "github.com/keylink/keylink/projections/projectionstest"

// Short names for projectionstest's environment and fixtures.
var (
	newEnv = projectionstest.NewEnv
	newID  = projectionstest.NewID
)
