package projections_test

import "github.com/keylink/keylink/projections/projectionstest"

// Short names for projectionstest's environment and fixtures.
type env = projectionstest.Env

var (
	newEnv       = projectionstest.NewEnv
	newID        = projectionstest.NewID
	registration = projectionstest.Registration
	capability   = projectionstest.Capability
	dump         = projectionstest.Dump
	canon        = projectionstest.Canon
	plastics     = projectionstest.Plastics
	fabric       = projectionstest.Fabric
)

func ptr[T any](v T) *T { return &v }
