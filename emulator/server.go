package emulator

import (
	"context"
	"errors"
	"io"
	"log"
	"net"
	"net/http"
	"time"
)

// Server is an emulator serving HTTP on a local port.
type Server struct {
	URL   string // http://127.0.0.1:PORT
	srv   *http.Server
	done  chan struct{}
	err   error         // what Serve returned, readable after done is closed
	grace time.Duration // how long Close lets in-flight requests finish
}

// shutdownGrace bounds Close: in-flight requests get this long to finish.
const shutdownGrace = 5 * time.Second

// Start listens on 127.0.0.1:0 and serves an emulator built from cfg in the background.
func Start(cfg Config) (*Server, error) { return Listen("127.0.0.1:0", cfg) }

// Listen is Start on a given address (host:port; port 0 picks a free one). The URL
// names the address actually bound.
func Listen(addr string, cfg Config) (*Server, error) {
	e, err := New(cfg)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	s := &Server{
		URL:   "http://" + ln.Addr().String(),
		srv:   NewHTTPServer(e),
		done:  make(chan struct{}),
		grace: shutdownGrace,
	}
	go func() {
		defer close(s.done)
		if err := s.srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
			s.err = err
		}
	}()
	return s, nil
}

// NewHTTPServer wraps a handler in the http.Server settings the emulator uses: bounded
// header, read and idle times, and a header limit well above the 32 KB URL of T10 so an
// oversized URL reaches the handler and gets RequestSizeLimitExceeded.
func NewHTTPServer(h http.Handler) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       2 * time.Minute, // a 10 MB body on a slow link
		WriteTimeout:      2 * time.Minute,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    1 << 20,
		ErrorLog:          log.New(io.Discard, "", 0), // hostile clients are not news
	}
}

// Done is closed when the server has stopped serving.
func (s *Server) Done() <-chan struct{} { return s.done }

// Close stops the server: no new connections, in-flight requests get a few seconds,
// then every connection is closed. It returns what stopped the server, if not Close.
func (s *Server) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), s.grace)
	defer cancel()
	err := s.srv.Shutdown(ctx)
	if err != nil {
		err = s.srv.Close()
	}
	<-s.done
	if s.err != nil {
		return s.err
	}
	return err
}
