// pdf-parse's index runs a debug block when it has no parent module (as under jest); its lib entry does not.
declare module 'pdf-parse/lib/pdf-parse.js' {
  import parse from 'pdf-parse';
  export default parse;
}
