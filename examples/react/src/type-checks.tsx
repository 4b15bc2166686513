// Compile-time checks of the JSX typings (`tsc -p examples/react` fails if a line below stops
// being an error, i.e. if the typings go slack).
export const wrongCategory = (
  // @ts-expect-error 'scarf' is not a try-on category
  <try-on-button endpoint="/api/try-on" category="scarf" />
);
export const missingEndpoint = (
  // @ts-expect-error endpoint is required
  <try-on-button category="top" />
);
export const wrongStrings = (
  // @ts-expect-error strings.button is text
  <try-on-button endpoint="/api/try-on" category="top" strings={{ button: 42 }} />
);
export const typedEvent = (
  <try-on-button
    endpoint="/api/try-on"
    category="top"
    // @ts-expect-error the complete event's detail has images, not an image
    ontry-on-complete={(event) => event.detail.image}
  />
);
