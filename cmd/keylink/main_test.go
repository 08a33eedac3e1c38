package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/keylink/keylink/migrations/dbtest"
)

func TestUsageErrorsExitTwoWithOneLine(t *testing.T) {
	tests := []struct {
		args []string
		code int
	}{
		{[]string{"serve", "--bogus"}, 2},
		{[]string{"migrate", "-x"}, 2},
		{[]string{"token"}, 2},
		{[]string{"token", "issue", "--role", "supplier", "--name", "x"}, 2},
		{[]string{"token", "issue", "--role", "organiser"}, 2},
		{[]string{"projections"}, 2},
		{[]string{"nonsense"}, 2},
		{[]string{"serve", "--help"}, 0},
		{[]string{"token", "issue", "--help"}, 0},
		{[]string{"projections", "rebuild", "--help"}, 0},
		{[]string{"--help"}, 0},
	}
	for _, tc := range tests {
		var out, errOut bytes.Buffer
		code := run(context.Background(), tc.args, &out, &errOut)
		if code != tc.code {
			t.Errorf("%v: exit %d, want %d (stderr %q)", tc.args, code, tc.code, errOut.String())
		}
		if code == 2 && strings.Count(strings.TrimRight(errOut.String(), "\n"), "\n") != 0 {
			t.Errorf("%v: stderr is not one line: %q", tc.args, errOut.String())
		}
		if code == 0 && out.Len() == 0 {
			t.Errorf("%v: --help printed nothing", tc.args)
		}
	}
}

func TestServeTokenAndGracefulStop(t *testing.T) {
	url := dbtest.URL(t)
	t.Setenv("DATABASE_URL", url)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	t.Setenv("KEYLINK_ADDR", addr)
	t.Setenv("LOG_LEVEL", "error")

	var out, errOut bytes.Buffer
	if code := run(context.Background(), []string{"token", "issue", "--role", "organiser", "--name", "Sở Công Thương"}, &out, &errOut); code != 0 {
		t.Fatalf("token issue: exit %d: %s", code, errOut.String())
	}
	token := strings.TrimSpace(out.String())
	if !strings.HasPrefix(token, "kl_") || strings.Contains(token, "\n") || out.String() != token+"\n" {
		t.Fatalf("token issue printed %q", out.String())
	}

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	go func() { done <- run(ctx, []string{"serve"}, &bytes.Buffer{}, &bytes.Buffer{}) }()
	base := "http://" + addr
	deadline := time.Now().Add(30 * time.Second)
	for {
		res, err := http.Get(base + "/readyz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("serve never became ready: %v", err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	for _, path := range []string{"/healthz", "/metrics"} {
		res, err := http.Get(base + path)
		if err != nil || res.StatusCode != 200 {
			t.Fatalf("%s: %v %v", path, res, err)
		}
		res.Body.Close()
	}
	req, _ := http.NewRequest("POST", base+"/v1/buyers", strings.NewReader(`{"name":"TOTO Việt Nam","country":"JP","contact":{"name":"A","email":"a@toto.jp"}}`))
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil || res.StatusCode != 201 {
		t.Fatalf("organiser token refused: %v %v", res, err)
	}
	var ans map[string]any
	_ = json.NewDecoder(res.Body).Decode(&ans)
	res.Body.Close()
	if ans["version"] != float64(1) {
		t.Fatalf("answer %v", ans)
	}
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Fatalf("serve exited %d", code)
		}
	case <-time.After(40 * time.Second):
		t.Fatal("serve did not stop")
	}
	_ = fmt.Sprint
}
