package api

// HoldHashing makes every password hash wait for hold while it holds its
// slot (nil: no waiting), so tests can fill the slots deterministically.
func HoldHashing(s *Server, hold func()) {
	if hold == nil {
		s.pw.hold.Store(nil)
		return
	}
	s.pw.hold.Store(&hold)
}

// HashingState reports how many password hashes hold a slot and how many
// requests wait for one.
func HashingState(s *Server) (inFlight, waiting int) {
	return len(s.pw.slots), int(s.pw.waiting.Load())
}
