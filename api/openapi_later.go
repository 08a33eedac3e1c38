package api

// laterOperations documents the match and conference routes.
func (s *Server) laterOperations() []operation { return nil }
