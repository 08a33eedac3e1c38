package api_test

import (
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/keylink/keylink/api"
)

func hashing(h api.HashingConfig) func(*api.Config) { return func(c *api.Config) { c.Hashing = h } }

// With every hashing slot taken, sign-in, sign-up and accept answer 503 with
// Retry-After at once, and no more hashes than slots ever run.
func TestPasswordHashingIsBounded(t *testing.T) {
	t.Parallel()
	const slots = 2
	e := newEnv(t, fastLogins, hashing(api.HashingConfig{Slots: slots, Queue: -1}))
	sup, _ := e.signup("supplier", supplierBody("Rạng Đông"))
	inv := e.must(e.invite(e.organiser, sup, "queue@rangdong.vn"), 201).str(t, "token")
	e.must(e.accept(inv, password), 201)

	entered, release := make(chan struct{}, 100), make(chan struct{})
	api.HoldHashing(e.srv, func() { entered <- struct{}{}; <-release })
	held := make(chan resp, slots)
	for range slots {
		go func() {
			held <- e.do("POST", "/v1/sessions", "", map[string]any{"email": "queue@rangdong.vn", "password": password})
		}()
	}
	for range slots {
		<-entered
	}
	if inFlight, _ := api.HashingState(e.srv); inFlight != slots {
		t.Fatalf("%d hashes in flight, want %d", inFlight, slots)
	}
	other := e.must(e.invite(e.organiser, sup, "busy@rangdong.vn"), 201).str(t, "token")
	refused := []resp{
		e.do("POST", "/v1/sessions", "", map[string]any{"email": "queue@rangdong.vn", "password": password}),
		e.do("POST", "/v1/sessions", "", map[string]any{"email": "nobody@rangdong.vn", "password": password}),
		e.do("POST", "/v1/signup", "", map[string]any{"role": "buyer", "email": "busy@canon.jp", "password": password, "organisation": buyerBody("Canon")}),
		e.accept(other, password),
	}
	var wg sync.WaitGroup
	concurrent := make(chan resp, 20)
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			concurrent <- e.do("POST", "/v1/sessions", "", map[string]any{"email": "queue@rangdong.vn", "password": password})
		}()
	}
	wg.Wait()
	close(concurrent)
	for r := range concurrent {
		refused = append(refused, r)
	}
	for i, r := range refused {
		if r.status != 503 || r.header.Get("Retry-After") == "" || !strings.HasSuffix(r.str(t, "type"), "/busy") {
			t.Errorf("request %d with every slot busy: %d %q %s", i, r.status, r.header.Get("Retry-After"), r.body)
		}
	}
	if inFlight, _ := api.HashingState(e.srv); inFlight != slots {
		t.Fatalf("%d hashes in flight, want %d", inFlight, slots)
	}
	close(release)
	for range slots {
		if r := <-held; r.status != 201 {
			t.Errorf("held login: %d %s", r.status, r.body)
		}
	}
	api.HoldHashing(e.srv, nil)
	// Nothing was written by the refused requests: the invitation is still
	// good and the buyer's e-mail is free.
	e.must(e.accept(other, password), 201)
	e.must(e.do("POST", "/v1/signup", "", map[string]any{"role": "buyer", "email": "busy@canon.jp", "password": password, "organisation": buyerBody("Canon")}), 201)
}

// Requests beyond the slots wait in a bounded queue; beyond the queue they
// are refused at once.
func TestPasswordHashingQueue(t *testing.T) {
	t.Parallel()
	e := newEnv(t, fastLogins, hashing(api.HashingConfig{Slots: 1, Queue: 1, Wait: time.Minute}))
	entered, release := make(chan struct{}, 10), make(chan struct{})
	api.HoldHashing(e.srv, func() { entered <- struct{}{}; <-release })
	login := func() resp {
		return e.do("POST", "/v1/sessions", "", map[string]any{"email": "nobody@x.vn", "password": password})
	}
	first, queued := make(chan resp, 1), make(chan resp, 1)
	go func() { first <- login() }()
	<-entered
	go func() { queued <- login() }()
	for {
		if _, waiting := api.HashingState(e.srv); waiting == 1 {
			break
		}
		select {
		case r := <-queued:
			t.Fatalf("the queued login answered before a slot was free: %d %s", r.status, r.body)
		default:
			runtime.Gosched()
		}
	}
	if r := login(); r.status != 503 || r.header.Get("Retry-After") == "" {
		t.Fatalf("beyond the queue: %d %s", r.status, r.body)
	}
	close(release)
	for _, ch := range []chan resp{first, queued} {
		if r := <-ch; r.status != 401 {
			t.Errorf("login: %d %s", r.status, r.body)
		}
	}
	if inFlight, waiting := api.HashingState(e.srv); inFlight != 0 || waiting != 0 {
		t.Errorf("after: %d in flight, %d waiting", inFlight, waiting)
	}
}
