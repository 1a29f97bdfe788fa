// Every test must make at least one assertion (expect, or a helper that calls it): a test that
// asserts nothing cannot fail, so it is a mistake. Applies to every jest project.
beforeEach(() => {
  expect.hasAssertions();
});
