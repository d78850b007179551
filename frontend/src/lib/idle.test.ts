import { whenIdle } from './idle';

describe('whenIdle', () => {
  afterEach(() => {
    delete (window as Partial<Window>).requestIdleCallback;
    delete (window as Partial<Window>).cancelIdleCallback;
  });

  it('waits for requestIdleCallback (with a timeout) and can be cancelled', () => {
    const callbacks: (() => void)[] = [];
    window.requestIdleCallback = jest.fn((cb: IdleRequestCallback, opts?: IdleRequestOptions) => {
      expect(opts?.timeout).toBeGreaterThan(0);
      callbacks.push(() => cb({ didTimeout: false, timeRemaining: () => 10 }));
      return callbacks.length;
    });
    window.cancelIdleCallback = jest.fn();
    const fn = jest.fn();
    const cancel = whenIdle(fn);
    expect(fn).not.toHaveBeenCalled();
    callbacks[0]();
    expect(fn).toHaveBeenCalledTimes(1);
    cancel();
    expect(window.cancelIdleCallback).toHaveBeenCalledWith(1);
  });

  it('falls back to a timer where requestIdleCallback is missing', () => {
    jest.useFakeTimers();
    try {
      const fn = jest.fn();
      whenIdle(fn);
      expect(fn).not.toHaveBeenCalled();
      jest.advanceTimersByTime(100);
      expect(fn).toHaveBeenCalledTimes(1);
      const never = jest.fn();
      whenIdle(never)();
      jest.advanceTimersByTime(100);
      expect(never).not.toHaveBeenCalled();
    } finally {
      jest.useRealTimers();
    }
  });
});
