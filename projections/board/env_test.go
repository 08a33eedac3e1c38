package board_test

import "github.com/keylink/keylink/projections/projectionstest"

// Short names for projectionstest's environment and fixtures.
var (
	newEnv   = projectionstest.NewEnv
	newID    = projectionstest.NewID
	canon    = projectionstest.Canon
	plastics = projectionstest.Plastics
	fabric   = projectionstest.Fabric
)

func ptr[T any](v T) *T { return &v }
